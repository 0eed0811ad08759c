"""S1 fee rules as OpenFisca variables, in the order of the regulation and svc-kindergarten:

1. makspris by price zone (§ 1);
2. the household's full-time price after the 6 % income cap (§ 3);
3. the place price pro rata of the agreed hours (§ 1, § 2; part_time_method pro_rata_hours);
4. gratis kjernetid for the birth-year cohorts of the barnehageår under its income limit (§ 3),
   free hours priced by kindergarten.kjernetid.hourly_method;
5. sibling discount by rank (first child = highest place price, ties oldest then id), 30 % / 50 %,
   third and later child free from 2023-08-01, combined with the free hours by
   kindergarten.sibling.free_hours_combination; one rounding of the child's fee.

Households that our rules send to manual handling (income unknown where it matters, register
findings) get `kindergarten_manual_handling` true and no fee.
"""
import datetime

import numpy as np

from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from .entities import Household, Person

MONTH = DateUnit.MONTH
ETERNITY = DateUnit.ETERNITY
REG = "FOR-2005-12-16-1478 forskrift om foreldrebetaling i barnehager"


def round_rule(x, rule):
    """Rounding to whole NOK by our parameter kindergarten.rounding (halves up for nearest)."""
    if rule == "nearest":
        return np.floor(x + 0.5)
    if rule == "down":
        return np.floor(x)
    if rule == "up":
        return np.ceil(x)
    raise NotImplementedError(f"rounding {rule!r}")


def barnehage_year(period):
    start = period.start
    return start.year if start.month >= 8 else start.year - 1


def children_of(parameters_at, name):
    """A parameter node child, or None where the parameter has no value at the instant."""
    return parameters_at._children.get(name)


# ---------------------------------------------------------------------------- inputs

class PriceZone(Enum):
    general = "general"
    sentralitet_5_6 = "sentralitet_5_6"
    tiltakssonen = "tiltakssonen"
    unknown = "unknown"


class kindergarten_price_zone(Variable):
    value_type = Enum
    possible_values = PriceZone
    default_value = PriceZone.unknown
    entity = Household
    definition_period = MONTH
    label = "Price zone of the household's municipality (law/zones)"


class household_income(Variable):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "Household personinntekt + kapitalinntekt of the latest assessed income year"


class household_income_known(Variable):
    value_type = bool
    default_value = True
    entity = Household
    definition_period = MONTH
    label = "Whether the household income is known (false = manual handling)"


class register_manual_handling(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "Register findings that send the household to manual handling (export column household_manual)"


class birth_date(Variable):
    value_type = datetime.date
    entity = Person
    definition_period = ETERNITY
    label = "Birth date"


class weekly_hours(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Agreed weekly hours of the kindergarten place"


class child_number(Variable):
    value_type = int
    entity = Person
    definition_period = ETERNITY
    label = "Child id (last tie-break of the sibling order)"


# ---------------------------------------------------------------------------- household rules

class kindergarten_makspris(Variable):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "Makspris of the household's price zone"
    reference = f"{REG} § 1; Stortingets årlige budsjettvedtak"

    def formula(household, period, parameters):
        p = parameters(period.start).kindergarten.makspris
        zone = household("kindergarten_price_zone", period)
        general = p.general
        prices = []
        for name in ("sentralitet_5_6", "tiltakssonen"):
            in_force = children_of(p, f"{name}_in_force")
            value = children_of(p, name)
            if not in_force:
                prices.append(general)
            elif value is None:
                prices.append(np.nan)  # in force but unknown: manual handling
            else:
                prices.append(value)
        return np.select(
            [zone == PriceZone.general, zone == PriceZone.sentralitet_5_6, zone == PriceZone.tiltakssonen],
            [general, prices[0], prices[1]],
            default=np.nan,  # unknown zone (not on the benchmark date: every zone is known)
        )


class kindergarten_income_limit(Variable):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "Derived 6 % income limit: makspris × payments / rate"
    reference = f"{REG} § 3"

    def formula(household, period, parameters):
        p = parameters(period.start).kindergarten.income_cap
        makspris = household("kindergarten_makspris", period)
        return round_rule(makspris * p.payments_per_year / p.rate, p.limit_rounding)


class kindergarten_reduced_price(Variable):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "The household's full-time price after the 6 % income cap"
    reference = f"{REG} § 3 (6 % of household person- and capital income)"

    def formula(household, period, parameters):
        p = parameters(period.start).kindergarten
        makspris = household("kindergarten_makspris", period)
        limit = household("kindergarten_income_limit", period)
        income = household("household_income", period)
        capped = np.minimum(round_rule(income * p.income_cap.rate / p.income_cap.payments_per_year, p.rounding), makspris)
        return np.select(
            [makspris == 0, income >= limit, income <= 0],
            [0, makspris, 0],
            default=capped,
        )


class kindergarten_manual_handling(Variable):
    value_type = bool
    entity = Household
    definition_period = MONTH
    label = "The household goes to manual handling (no fee decided)"

    def formula(household, period, parameters):
        makspris = household("kindergarten_makspris", period)
        known = household("household_income_known", period)
        findings = household("register_manual_handling", period)
        return findings | np.isnan(makspris) | (~known & (makspris != 0))


# ---------------------------------------------------------------------------- per child

class kindergarten_effective_hours(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Agreed hours, at most the full-time hours (41)"

    def formula(person, period, parameters):
        full = parameters(period.start).kindergarten.full_time_hours
        return np.minimum(person("weekly_hours", period), full)


class kindergarten_place_price(Variable):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "Place price: reduced full-time price × effective hours / 41 (exact, not rounded)"
    reference = f"{REG} § 1, § 2 Deltidstilbud"

    def formula(person, period, parameters):
        p = parameters(period.start).kindergarten
        if p.part_time_method != "pro_rata_hours":
            raise NotImplementedError(p.part_time_method)
        reduced = person.household("kindergarten_reduced_price", period)
        return reduced * person("kindergarten_effective_hours", period) / p.full_time_hours


class kindergarten_in_kjernetid_cohort(Variable):
    value_type = bool
    entity = Person
    definition_period = MONTH
    label = "Born in a gratis kjernetid cohort of the barnehageår"
    reference = f"{REG} § 3 (gratis kjernetid)"

    def formula(person, period, parameters):
        p = parameters(period.start).kindergarten.kjernetid
        year = barnehage_year(period)
        born = person("birth_date", period).astype("datetime64[Y]").astype(int) + 1970
        age_in_year = year - born
        return (age_in_year >= p.youngest_cohort_age) & (age_in_year <= p.oldest_cohort_age)


class kindergarten_free_hours(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Free kjernetid hours a week"
    reference = f"{REG} § 3 (gratis kjernetid); order after the 6 % rule per norddal.kommune.no"

    def formula(person, period, parameters):
        p = parameters(period.start).kindergarten.kjernetid
        year = barnehage_year(period)
        # The income limit of the barnehageår (applies from 1 August).
        limit_node = children_of(parameters(f"{year}-08-01").kindergarten.kjernetid, "income_limit")
        cohort = person("kindergarten_in_kjernetid_cohort", period)
        makspris = person.household("kindergarten_makspris", period)
        income = person.household("household_income", period)
        if limit_node is None:
            raise NotImplementedError("kjernetid income limit unknown for the barnehageår: manual handling")
        eligible = cohort & (makspris != 0) & (income < limit_node)
        return np.where(eligible, p.free_hours, 0)


class kindergarten_sibling_rank(Variable):
    value_type = int
    entity = Person
    definition_period = MONTH
    label = "Sibling rank (0 = first child): highest place price first, ties oldest, then id"
    reference = f"{REG} § 3 (søskenmoderasjon)"

    def formula(person, period, parameters):
        first = parameters(period.start).kindergarten.sibling.first_child
        hours = person("kindergarten_effective_hours", period).astype(np.int64)
        days = person("birth_date", period).astype("datetime64[D]").astype(np.int64)
        ids = person("child_number", period).astype(np.int64)
        # One sortable key (exact in float64): fewer hours, later birth, higher id rank later.
        days = days - days.min() if days.size else days
        if first == "highest_place_price":
            key = ((64 - hours) << 33) + (days << 20) + ids
        elif first == "oldest":
            key = (days << 20) + ids
        else:
            raise NotImplementedError(first)
        return person.get_rank(person.household, key)


class kindergarten_sibling_discount_rate(Variable):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "Sibling discount rate by rank"
    reference = f"{REG} § 3 (søskenmoderasjon, 30 % / 50 %; third and later free from 2023-08-01)"

    def formula(person, period, parameters):
        s = parameters(period.start).kindergarten.sibling
        rank = person("kindergarten_sibling_rank", period)
        return np.select([rank == 0, rank == 1], [0.0, s.discount_second], default=s.discount_third_and_later)


class kindergarten_fee_before_rounding(Variable):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "The child's monthly fee as computed, before the one rounding to whole NOK"
    reference = REG

    def formula(person, period, parameters):
        p = parameters(period.start).kindergarten
        reduced = person.household("kindergarten_reduced_price", period)
        full = p.full_time_hours
        hours = person("weekly_hours", period)
        effective = person("kindergarten_effective_hours", period)
        free = person("kindergarten_free_hours", period)
        place = person("kindergarten_place_price", period)
        if p.kjernetid.hourly_method == "full_time_hours":
            free_value = reduced * np.minimum(free, effective) / full
        elif p.kjernetid.hourly_method == "agreed_hours":
            free_value = place * np.minimum(free, hours) / hours
        else:
            raise NotImplementedError(p.kjernetid.hourly_method)
        keep = 1 - person("kindergarten_sibling_discount_rate", period)
        combination = p.sibling.free_hours_combination
        if combination == "free_hours_at_discounted_price":
            return (place - free_value) * keep
        if combination == "free_hours_at_full_price":
            return place * keep - free_value
        raise NotImplementedError(combination)


class kindergarten_fee(Variable):
    value_type = float
    entity = Person
    definition_period = MONTH
    label = "Monthly parent fee of the child (whole NOK; 0 where the household goes to manual handling)"
    reference = REG

    def formula(person, period, parameters):
        rounding = parameters(period.start).kindergarten.rounding
        fee = round_rule(person("kindergarten_fee_before_rounding", period), rounding)
        manual = person.household("kindergarten_manual_handling", period)
        return np.where(manual, 0, np.maximum(fee, 0))


class household_kindergarten_fee(Variable):
    value_type = float
    entity = Household
    definition_period = MONTH
    label = "Total monthly parent fee of the household"

    def formula(household, period, parameters):
        return household.sum(household.members("kindergarten_fee", period))


ALL = [
    kindergarten_price_zone, household_income, household_income_known, register_manual_handling,
    birth_date, weekly_hours, child_number,
    kindergarten_makspris, kindergarten_income_limit, kindergarten_reduced_price,
    kindergarten_manual_handling, kindergarten_effective_hours, kindergarten_place_price,
    kindergarten_in_kjernetid_cohort, kindergarten_free_hours, kindergarten_sibling_rank,
    kindergarten_sibling_discount_rate, kindergarten_fee_before_rounding, kindergarten_fee,
    household_kindergarten_fee,
]
