-- Servers keep which provinces enabled each module, with its settings, in memory for a few seconds
-- (CDTServer ModuleEnablementCache); each listens on the channel 'cdt_module_enablements' and forgets all of
-- it on a notice. This trigger sends that notice, when the transaction commits, on every change of
-- module_enablements: a module enabled or disabled in a province, its settings or who may manage it, a
-- province's enablements moved or turned off by a reorganization. The payload is empty (forget all);
-- PostgreSQL folds identical notices of one transaction into one.

CREATE FUNCTION cdt_notify_module_enablement_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cdt_module_enablements', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER module_enablements_change_notice AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON module_enablements
    FOR EACH STATEMENT EXECUTE FUNCTION cdt_notify_module_enablement_change();
