"""A minimal OpenFisca country package for the S1 kindergarten fee rules (forskrift om
foreldrebetaling i barnehager, FOR-2005-12-16-1478), written the way OpenFisca intends:
vectorised formulas over the whole population, group aggregations over `household.members`.

It mirrors svc-kindergarten's rules and method choices, for the peer benchmark of tracker issue 6.
The parameters are generated from law/parameters/kindergarten by ../gen_parameters.py.
"""
import pathlib

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from .entities import entities
from . import variables

HERE = pathlib.Path(__file__).resolve().parent


class BarnehageTaxBenefitSystem(TaxBenefitSystem):
    def __init__(self):
        super().__init__(entities)
        self.add_variables(*variables.ALL)
        self.load_parameters(str(HERE / "parameters"))


CountryTaxBenefitSystem = BarnehageTaxBenefitSystem
