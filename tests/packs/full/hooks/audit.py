from auditlog import record

record("session ended")
