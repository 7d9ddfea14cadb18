"""One module per API area; each resource says method, path, parameters and answer, the corridor does the rest.

`RequestOptions` is the one definition of the per-call options every public method accepts.
"""

from ._base import RequestOptions

__all__ = ["RequestOptions"]
