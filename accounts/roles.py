"""Who may see what: the three reader roles, the ``admin`` role, and the départements each covers.

A role is a short text (``admin``, ``national``, ``region:84``, ``departement:75``) stored server-side with
the account (local users file or the OIDC identity mapping), never taken from the browser. The
tenant filter in :mod:`dashboards.queries` reads only :attr:`Role.departements` and
:attr:`Role.region_codes`, so this module is the one place that decides a role's reach.

``admin`` is the national staff who run the hub: they read what ``national`` reads and are the
only ones the operator plane (Dagster, :mod:`orchestration.gateway`) lets in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from data_contracts.referential import departements, normalise_departement_code, regions

RoleKind = Literal["admin", "national", "region", "departement"]


class RoleError(ValueError):
    """A role text that names no known scope (French message: shown to administrators)."""


@dataclass(frozen=True)
class Role:
    kind: RoleKind
    code: str | None = None

    @classmethod
    def parse(cls, text: str) -> "Role":
        """``national`` / ``region:<code>`` / ``departement:<code>`` → Role, or RoleError."""
        raw = (text or "").strip()
        if raw in ("national", "admin"):
            return cls(raw)
        kind, _, code = raw.partition(":")
        if kind == "region" and code.strip() in regions():
            return cls("region", code.strip())
        if kind == "departement":
            normalised = normalise_departement_code(code)
            if normalised in departements():
                return cls("departement", normalised)
        raise RoleError(
            f"Rôle inconnu « {raw} » : écrivez « admin », « national », « region:<code INSEE de la région> » "
            "(ex. region:84) ou « departement:<code INSEE> » (ex. departement:75).")

    def __str__(self) -> str:
        return self.kind if self.code is None else f"{self.kind}:{self.code}"

    @property
    def is_national(self) -> bool:
        """National reach (``admin`` included): every département, every region."""
        return self.kind in ("national", "admin")

    @property
    def is_admin(self) -> bool:
        """May run the hub: the operator plane (Dagster) lets in this role only."""
        return self.kind == "admin"

    @property
    def is_departement(self) -> bool:
        return self.kind == "departement"

    @cached_property
    def departements(self) -> tuple[str, ...]:
        """The départements whose detail this role may read, in COG order."""
        every = departements()
        if self.is_national:
            return tuple(every)
        if self.kind == "region":
            return tuple(code for code, d in every.items() if d.region_code == self.code)
        return (self.code,)

    @cached_property
    def region_codes(self) -> tuple[str, ...]:
        """The regions whose totals this role may read (its own region below national)."""
        if self.is_national:
            return tuple(regions())
        if self.kind == "region":
            return (self.code,)
        return (departements()[self.code].region_code,)

    @property
    def label(self) -> str:
        """How the role reads in the sidebar."""
        if self.is_admin:
            return "National, administration (SG-CIPD)"
        if self.kind == "national":
            return "National (SG-CIPD)"
        if self.kind == "region":
            return f"Région {regions()[self.code]}"
        dep = departements()[self.code]
        return f"Département {dep.code} – {dep.name}"
