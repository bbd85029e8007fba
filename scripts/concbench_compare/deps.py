"""The Python libraries the gate needs, checked before anything imports them: a missing one is
bad set-up, exit status 2 (never 1, which CI reads as "regressed", and never a traceback) with
the module and the command that installs it. Only the standard library here."""
import importlib

# module to import -> (its name for people, Debian package)
NEEDED = {"numpy": ("numpy", "python3-numpy"), "scipy.stats": ("scipy", "python3-scipy")}


class MissingDependency(Exception):
    """A module of NEEDED does not import; the message says which and how to install it."""


def missing(modules=NEEDED):
    """(module, why) for the first module that does not import, else None. scipy.stats, not
    scipy alone: a half-unpacked copy imports as a package and fails there."""
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError as e:
            return module, str(e)
    return None


def message(module, why):
    name, package = NEEDED.get(module, (module, f"python3-{module}"))
    text = f"the Python module {name} is missing ({why}); "
    if name == "scipy":
        # Debian 12 cannot install python3-scipy beside libboost1.81-dev (scripts/setup says
        # why): setup unpacks Debian's package into third_party/scipy instead, which only
        # PYTHONPATH makes visible.
        return text + ("install it with ./scripts/setup (on Debian 12 it unpacks Debian's "
                       "scipy into third_party/scipy, which . scripts/env.sh makes visible to "
                       "/usr/bin/python3; scripts/compare sources it itself), or, where apt can "
                       "install it, with: sudo apt-get install --no-remove python3-scipy")
    return text + (f"install it with ./scripts/setup, or alone with: "
                   f"sudo apt-get install --no-remove {package}")
