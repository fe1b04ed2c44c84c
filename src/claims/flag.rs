//! The edit flags the CMS Medicare Code Editor attaches to a code's dated entry
//! (`adult`, `ecodepdx`, `noncovered`, ...). The flags the edits act on are variants; every
//! other flag is kept as [`Flag::Other`], so the raw text of every flag survives for the
//! `source` of a finding.

use std::fmt;

/// One MCE edit flag, as the MCE data names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Flag {
    /// `adult`: the diagnosis belongs to the Adult age group.
    Adult,
    /// `pediatric`: the diagnosis belongs to the Pediatric age group.
    Pediatric,
    /// `maternity`: the diagnosis belongs to the Maternity age group.
    Maternity,
    /// `newborn`: the diagnosis belongs to the Newborn age group.
    Newborn,
    /// `male`: for male patients only (CMS retired the sex edits from FY2025).
    Male,
    /// `female`: for female patients only (retired from FY2025).
    Female,
    /// `manifestation`: a manifestation code, not allowed as principal diagnosis.
    Manifestation,
    /// `ecodepdx`: an external cause of morbidity, not allowed as principal diagnosis.
    EcodePdx,
    /// `unacceptable`: an unacceptable principal diagnosis.
    Unacceptable,
    /// `qadm`: a questionable admission when it is the principal diagnosis.
    Qadm,
    /// `unspecified`: an unspecified code where a more specific one exists (MCE edit 20).
    Unspecified,
    /// `noncovered`: a procedure Medicare does not cover.
    NonCovered,
    /// `lcov`: a procedure with limited coverage.
    LimitedCoverage,
    /// Any other flag, with its raw text (`diabtypeI`, `delout`, `kidneyxp`, `ncov_z302`, ...).
    Other(String),
}

impl Flag {
    /// The flag for its raw text in the MCE data (case-sensitive, as the file spells it).
    pub fn from_raw(raw: &str) -> Flag {
        match raw {
            "adult" => Flag::Adult,
            "pediatric" => Flag::Pediatric,
            "maternity" => Flag::Maternity,
            "newborn" => Flag::Newborn,
            "male" => Flag::Male,
            "female" => Flag::Female,
            "manifestation" => Flag::Manifestation,
            "ecodepdx" => Flag::EcodePdx,
            "unacceptable" => Flag::Unacceptable,
            "qadm" => Flag::Qadm,
            "unspecified" => Flag::Unspecified,
            "noncovered" => Flag::NonCovered,
            "lcov" => Flag::LimitedCoverage,
            other => Flag::Other(other.to_string()),
        }
    }

    /// The raw text of the flag, as the MCE data spells it.
    pub fn raw(&self) -> &str {
        match self {
            Flag::Adult => "adult",
            Flag::Pediatric => "pediatric",
            Flag::Maternity => "maternity",
            Flag::Newborn => "newborn",
            Flag::Male => "male",
            Flag::Female => "female",
            Flag::Manifestation => "manifestation",
            Flag::EcodePdx => "ecodepdx",
            Flag::Unacceptable => "unacceptable",
            Flag::Qadm => "qadm",
            Flag::Unspecified => "unspecified",
            Flag::NonCovered => "noncovered",
            Flag::LimitedCoverage => "lcov",
            Flag::Other(raw) => raw,
        }
    }

    /// The name of the age group this flag refers to (`Adult`, `Maternity`, ...), as the
    /// MCE age-range table names it; `None` for flags that are not about age.
    pub fn age_group(&self) -> Option<&'static str> {
        match self {
            Flag::Adult => Some("Adult"),
            Flag::Pediatric => Some("Pediatric"),
            Flag::Maternity => Some("Maternity"),
            Flag::Newborn => Some("Newborn"),
            _ => None,
        }
    }
}

impl fmt::Display for Flag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.raw())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_text_round_trips_for_known_and_other_flags() {
        for raw in [
            "adult",
            "pediatric",
            "maternity",
            "newborn",
            "male",
            "female",
            "manifestation",
            "ecodepdx",
            "unacceptable",
            "qadm",
            "unspecified",
            "noncovered",
            "lcov",
            "diabtypeI",
            "ncov_z302",
        ] {
            assert_eq!(Flag::from_raw(raw).raw(), raw);
        }
        assert_eq!(Flag::from_raw("lcov"), Flag::LimitedCoverage);
        assert_eq!(Flag::from_raw("Adult"), Flag::Other("Adult".to_string()), "case-sensitive");
        assert_eq!(Flag::from_raw("kidneyxp"), Flag::Other("kidneyxp".to_string()));
    }

    #[test]
    fn only_the_four_age_flags_name_an_age_group() {
        assert_eq!(Flag::Maternity.age_group(), Some("Maternity"));
        assert_eq!(Flag::Newborn.age_group(), Some("Newborn"));
        assert_eq!(Flag::Male.age_group(), None);
        assert_eq!(Flag::Other("adult".to_string()).age_group(), None);
    }
}
