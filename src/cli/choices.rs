//! The library's closed choices as clap values: clap stays at the command
//! line's edge, and each choice's names live with the choice.

use clap::ValueEnum;
use clap::builder::PossibleValue;

use crate::diagnostic::render::ColorChoice;
use crate::dossier::inputs::Format as DossierFormat;
use crate::ledger::DialectChoice;
use crate::ledger::input::EncodingChoice;
use crate::report::Lang;
use crate::simulate::product::Format as SimulateFormat;

impl ValueEnum for DialectChoice {
    fn value_variants<'a>() -> &'a [Self] {
        &DialectChoice::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

impl ValueEnum for EncodingChoice {
    fn value_variants<'a>() -> &'a [Self] {
        &EncodingChoice::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let value = PossibleValue::new(self.name()).aliases(self.aliases().iter().copied());
        Some(match self.about() {
            Some(about) => value.help(about),
            None => value,
        })
    }
}

impl ValueEnum for ColorChoice {
    fn value_variants<'a>() -> &'a [Self] {
        &ColorChoice::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

impl ValueEnum for Lang {
    fn value_variants<'a>() -> &'a [Self] {
        &Lang::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

impl ValueEnum for DossierFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &DossierFormat::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

impl ValueEnum for SimulateFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &SimulateFormat::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}
