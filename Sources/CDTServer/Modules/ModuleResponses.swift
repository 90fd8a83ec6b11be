import CDTDomain
import CDTModuleKit
import CDTPostgres
import Foundation
import Hummingbird

struct ModuleList: ResponseEncodable {
    var items: [ModuleResponse]
}

/// A module as `GET /api/v1/modules` shows it.
struct ModuleResponse: Encodable, Sendable {
    struct Permission: Encodable, Sendable { var name: String; var summary: String }
    struct Role: Encodable, Sendable { var name: String; var summary: String; var levels: [String]; var permissions: [String] }
    struct Setting: Encodable, Sendable {
        var key: String
        var label: LocalizedName
        var kind: String
        var defaultValue: JSONValue
        var minimum: Int?
        var maximum: Int?
        var values: [String]?
        var maximumLength: Int?

        enum CodingKeys: String, CodingKey { case key, label, kind, defaultValue = "default", minimum, maximum, values, maximumLength }
    }

    var id: String
    var name: LocalizedName
    var version: String
    var moduleApiVersion: String
    var dependencies: [String]
    var permissions: [Permission]
    var roles: [Role]
    var consumes: [String]
    var settings: [Setting]
    var provinces: [ProvinceStateResponse]

    init(_ module: any FeatureModule, provinces: [ProvinceModuleState]) {
        let manifest = module.manifest
        id = manifest.id
        name = manifest.name
        version = manifest.version.description
        moduleApiVersion = manifest.moduleAPIVersion.description
        dependencies = manifest.dependencies
        permissions = manifest.permissions.map { Permission(name: $0.name, summary: $0.summary) }
        roles = manifest.roles.map { Role(name: $0.name, summary: $0.summary, levels: $0.levels.map(\.rawValue).sorted(), permissions: $0.permissions.sorted()) }
        consumes = manifest.consumes.map(\.rawValue)
        settings = module.settings.fields.map(Self.setting)
        self.provinces = provinces.map(ProvinceStateResponse.init)
    }

    static func setting(_ field: SettingField) -> Setting {
        var setting = Setting(key: field.key, label: field.label, kind: "", defaultValue: field.defaultValue.json)
        switch field.kind {
        case .boolean: setting.kind = "boolean"
        case .integer(let range): (setting.kind, setting.minimum, setting.maximum) = ("integer", range.lowerBound, range.upperBound)
        case .choice(let values): (setting.kind, setting.values) = ("choice", values)
        case .choices(let values): (setting.kind, setting.values) = ("choices", values)
        case .text(let length): (setting.kind, setting.maximumLength) = ("text", length)
        case .date: setting.kind = "date"
        }
        return setting
    }
}

/// A module's state in one province.
struct ProvinceStateResponse: ResponseEncodable {
    var moduleId: String
    var provinceId: String
    var enabled: Bool
    var settings: [String: JSONValue]
    var provinceMayManage: Bool
    var changedAt: Date?
    var changedBy: String?

    init(_ state: ProvinceModuleState) {
        moduleId = state.moduleID
        provinceId = state.provinceID.description
        enabled = state.enabled
        settings = state.settings.json
        provinceMayManage = state.provinceMayManage
        changedAt = state.changedAt
        changedBy = state.changedBy?.description
    }
}
