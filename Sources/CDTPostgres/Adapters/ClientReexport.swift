@_exported public import CDTPostgresClient
