//! The closed sets of words the language knows: jurisdictions, channels,
//! recipients, fields, flags, kinds. One table per set gives the canonical
//! spelling (what `fmt` writes and messages show); reading is case- and
//! accent-insensitive, so `Recommande` is `recommandé`.

use crate::suggest;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $word:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        pub enum $name {
            $(#[serde(rename = $word)] $variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];
            pub(crate) const WORDS: &'static [&'static str] = &[$($word,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)*
                }
            }

            /// The member spelt `word`, ignoring case and accents.
            pub(crate) fn from_word(word: &str) -> Option<Self> {
                let folded = suggest::fold(word);
                Self::ALL.iter().copied().find(|v| suggest::fold(v.as_str()) == folded)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// Whose law applies: the rule pack and the holiday calendar.
    Jurisdiction { Fr => "FR", Be => "BE", Lu => "LU", }
}

vocabulary! {
    DebtorKind { B2b => "b2b", B2c => "b2c", }
}

vocabulary! {
    /// What the firm sells, as `sector …` declares it: some courts and
    /// limitation periods depend on it (BE C. jud. art. 591; C. civ. art.
    /// 2272, 2262bis, 2277).
    Sector {
        Goods => "goods",
        Services => "services",
        Utility => "utility",
        Lease => "lease",
    }
}

vocabulary! {
    /// How a letter travels.
    Channel {
        Email => "email",
        Courrier => "courrier",
        Recommande => "recommandé",
        Sms => "sms",
        Huissier => "huissier",
    }
}

impl Channel {
    /// The channel of a `send` that names none: a letter (docs/language.md).
    pub(crate) const DEFAULT: Channel = Channel::Courrier;
}

vocabulary! {
    /// `mandataire`: the insolvency practitioner (mandataire judiciaire,
    /// liquidateur; curateur in BE and LU), for the proof of claim.
    Recipient { Debtor => "debtor", Guarantor => "guarantor", Mandataire => "mandataire", }
}

vocabulary! {
    /// Numbers a condition compares.
    Field { Amount => "amount", Total => "total", DaysLate => "days_late", }
}

impl Field {
    pub(crate) fn is_money(self) -> bool {
        matches!(self, Field::Amount | Field::Total)
    }
}

vocabulary! {
    /// Yes/no facts a condition tests.
    Flag {
        B2b => "b2b",
        B2c => "b2c",
        Guaranteed => "guaranteed",
        PartiallyPaid => "partially_paid",
    }
}

vocabulary! {
    ChargeKind { Indemnity => "indemnity", Fee => "fee", Interest => "interest", }
}

vocabulary! {
    /// What a firm-declared destination is.
    DestinationKind { Court => "court", Bailiff => "bailiff", Lawyer => "lawyer", Agency => "agency", }
}

/// Active ISO 4217 currency codes.
pub(crate) const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

/// The currency code spelt `word` (any case), in its canonical upper case.
pub fn currency(word: &str) -> Option<&'static str> {
    CURRENCIES
        .iter()
        .copied()
        .find(|code| code.eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_without_case_or_accents() {
        assert_eq!(Channel::from_word("recommande"), Some(Channel::Recommande));
        assert_eq!(Channel::from_word("RECOMMANDÉ"), Some(Channel::Recommande));
        assert_eq!(Jurisdiction::from_word("lu"), Some(Jurisdiction::Lu));
        assert_eq!(Channel::from_word("fax"), None);
    }

    #[test]
    fn currencies_are_iso_codes() {
        assert_eq!(currency("eur"), Some("EUR"));
        assert_eq!(currency("EUX"), None);
        assert!(
            CURRENCIES.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
    }
}
