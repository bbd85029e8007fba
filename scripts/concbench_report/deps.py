"""The Python libraries the report needs, checked (cli.main) before anything imports them: a
missing one is bad set-up, exit status 2 with the module and the command that installs it,
never a traceback. Only the standard library here."""
import importlib

# module -> Debian package; scripts/setup installs all three.
NEEDED = {"numpy": "python3-numpy", "matplotlib": "python3-matplotlib", "jinja2": "python3-jinja2"}


def missing(modules=NEEDED):
    """(module, why) for the first module that does not import, else None. Importing (not only
    finding) catches a broken install too; matplotlib's package is quick to import, pyplot is
    left for later."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as e:
            return module, str(e)
    return None


def message(module, why, prog="scripts/report"):
    package = NEEDED.get(module, f"python3-{module}")
    return (f"{prog}: the Python module {module} is missing ({why}); expected "
            f"{', '.join(NEEDED)} for /usr/bin/python3. Install them with ./scripts/setup "
            f"(it installs {', '.join(NEEDED.values())}), or this one alone with: "
            f"sudo apt-get install --no-remove {package}")
