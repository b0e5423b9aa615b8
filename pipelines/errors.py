"""The exceptions an operator sees. Each message names the file, row, column and rule to act on."""


class MutuError(Exception):
    """Base class: anything Mutu raises on purpose."""


class ContractError(MutuError):
    """A data contract is missing or invalid."""


class ProfileError(MutuError):
    """A source profile is missing, invalid, or does not match the file it is applied to."""


class LandingError(MutuError):
    """A landed file cannot be read at all; it is quarantined whole."""


class PublishError(MutuError):
    """The warehouse could not be built or swapped into place."""


class SettingsError(MutuError):
    """The environment is missing something Mutu needs to run (home, landing, PII key)."""
