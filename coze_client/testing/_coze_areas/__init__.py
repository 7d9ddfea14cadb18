"""FakeCoze route groups for the management areas (bots admin, workspaces, folders, apps, templates,
variables, connectors, enterprises, callback apps, end-user benefits, paid plugins)."""
