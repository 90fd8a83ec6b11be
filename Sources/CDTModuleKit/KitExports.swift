// What a module sees, on purpose: the domain's types (units, teams, members, households, events, access
// scopes) and the PostgreSQL client it writes its own tables with (`PostgresClient`, `PostgresSession`,
// queries, migrations). A module imports `CDTModuleKit` and nothing else of the platform; the core's
// adapters (`CDTPostgres`) and the server stay out of its reach.
@_exported public import CDTDomain
@_exported public import CDTPostgresClient
