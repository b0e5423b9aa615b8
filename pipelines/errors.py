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


def _mutu_classes() -> dict[str, type[MutuError]]:
    """Every Mutu exception class by its qualified name (`pipelines.errors.LandingError`)."""
    found, pending = {}, [MutuError]
    while pending:
        cls = pending.pop()
        found[f"{cls.__module__}.{cls.__qualname__}"] = cls
        pending.extend(cls.__subclasses__())
    return found


def raise_for_failed_run(result, what: str) -> None:
    """Raise a failed Dagster run's error as the Mutu exception class its step raised, with the operator's message.

    Dagster keeps a step's exception only as error info (class name, message, cause chain): the exception object
    is gone once the step ends, lives in another process under the multiprocess or Celery executor, and hides
    behind a `DagsterMaxRetriesExceededError` without its cause after retries. So the class is looked up by the
    qualified name the error info's message starts with, among MutuError and its subclasses: a LandingError in a
    step is a LandingError for the caller, and a class named alike in another library is not mistaken for ours.
    """
    if result.success:
        return
    failures = [e for e in result.all_events if e.is_step_failure]
    if not failures:
        raise MutuError(f"{what} failed: see the Dagster event log")
    chain, error = [], failures[0].event_specific_data.error
    while error is not None:  # retries wrap the real error
        chain.append(error)
        error = error.cause
    ours = _mutu_classes()
    for info in chain:
        name, _, message = info.message.strip().partition(": ")
        if name in ours:
            raise ours[name](f"{what} failed: {message.splitlines()[-1] if message else name}")
    raise MutuError(f"{what} failed: {chain[-1].message.strip().splitlines()[-1]}")
