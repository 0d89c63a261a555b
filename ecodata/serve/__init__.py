"""The serve stage: a built dist/ → a read-only Datasette (settings, plugin hooks, response cache, page
rendering, templates/ and static/).

May import `ecodata.build` and `ecodata.validate` and the top-level leaves; nothing imports this folder
except the CLI and `ecodata.make_datasette`.
"""
