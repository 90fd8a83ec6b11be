import CDTModuleKit
import Foundation
import Hummingbird

extension NominationPage {
    static func form(_ action: ReviewAction, _ n: Nomination, _ context: ModuleRequestContext, refusal: Refusal?) -> String { "" }
    static func addForms(to routes: inout ModuleRoutes) {}
}
