"""Base class for settings sections: unknown keys are errors, not silently ignored."""

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A strict settings section; a typo in a YAML key must fail loudly."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
