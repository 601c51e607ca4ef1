//! Belgium. Sources: `legal-facts.md` §1.2, §2.2, §3, §8.2; the article of
//! each fact is in its [`Source`].

use rust_decimal::Decimal;

use super::*;
use crate::vocab::Jurisdiction;

const JP: &str = "justice_de_paix";
const TE: &str = "tribunal_entreprise";
const TPI: &str = "tribunal_premiere_instance";
const HUISSIER: &str = "huissier_de_justice";

pub static DESTINATIONS: [Destination; 4] = [
    Destination {
        name: JP,
        aliases: &["juge_de_paix", "vredegerecht"],
        title: "justice de paix",
        role: Role::Court,
        hears: &[
            Competence {
                // "toutes demandes dont le montant n'excède pas 5.000 €, hormis
                // celles qui sont soustraites par la loi à sa juridiction": claims
                // between enterprises go to the tribunal de l'entreprise (art. 573).
                debtors: Debtors::Only(DebtorKind::B2c),
                amount: AmountRange::up_to(eur(5000)),
                sectors: Sectors::Any,
                source: Source::common("C. jud. art. 590 and 573"),
            },
            // Whatever the amount: leases (1°), and the supply of gas,
            // electricity, water, telecom or heat to a natural person (25°)
            // (legal-facts R13). A lease between enterprises is read as the
            // justice de paix's too, so the checker never refuses either court.
            Competence {
                debtors: Debtors::Any,
                amount: AmountRange::ANY,
                sectors: Sectors::Only(&[Sector::Lease]),
                source: Source::common("C. jud. art. 591, 1°"),
            },
            Competence {
                debtors: Debtors::Only(DebtorKind::B2c),
                amount: AmountRange::ANY,
                sectors: Sectors::Only(&[Sector::Utility]),
                source: Source::common("C. jud. art. 591, 25°"),
            },
        ],
    },
    Destination {
        name: TE,
        aliases: &[
            "tribunal_de_l_entreprise",
            "tribunal_de_lentreprise",
            "ondernemingsrechtbank",
        ],
        title: "tribunal de l'entreprise",
        role: Role::Court,
        hears: &[Competence {
            // Between enterprises whatever the amount, since 1 July 2014.
            debtors: Debtors::Only(DebtorKind::B2b),
            amount: AmountRange::ANY,
            sectors: Sectors::Any,
            source: Source::common("C. jud. art. 573"),
        }],
    },
    Destination {
        name: TPI,
        aliases: &[
            "tribunal_de_premiere_instance",
            "rechtbank_van_eerste_aanleg",
        ],
        title: "tribunal de première instance",
        role: Role::Court,
        hears: &[Competence {
            // The residual court: other claims above the juge de paix's 5,000.
            debtors: Debtors::Only(DebtorKind::B2c),
            amount: AmountRange::above(eur(5000)),
            // Not what art. 591 gives the justice de paix whatever the amount.
            sectors: Sectors::Except(&[Sector::Lease, Sector::Utility]),
            source: Source::default("C. jud. art. 568"),
        }],
    },
    Destination {
        name: HUISSIER,
        aliases: &["huissier", "gerechtsdeurwaarder"],
        title: "huissier de justice",
        role: Role::Bailiff,
        hears: &[],
    },
];

const ART_1338: Source = Source::common("C. jud. art. 1338 to 1344");

pub static PROCEDURES: [Procedure; 3] = [
    Procedure {
        name: "injonction_de_payer",
        aliases: &["procedure_sommaire_d_injonction_de_payer", "betalingsbevel"],
        title: "procédure sommaire d'injonction de payer",
        venues: &[
            // Art. 1338 was not raised with art. 590: 1,860 EUR.
            Venue::at(JP, Debtors::Any, AmountRange::up_to(eur(1860)), ART_1338),
            Venue::at(
                TE,
                Debtors::Only(DebtorKind::B2b),
                AmountRange::ANY,
                ART_1338,
            ),
        ],
        amicable: false,
        note: "a liquid debt backed by a writing from the debtor, after a sommation giving 15 days; \
               the request is signed by a lawyer; the debtor must live in Belgium",
        source: ART_1338,
        domicile: Domicile::Here(Source::common(
            "C. jud. art. 1338: the debtor domiciled or resident in Belgium (e-justice BE; R11)",
        )),
    },
    Procedure {
        name: "recouvrement_dettes_incontestees",
        aliases: &[
            "dettes_incontestees",
            "recouvrement_de_dettes_non_contestees",
            "invordering_onbetwiste_schulden",
        ],
        title: "recouvrement des dettes d'argent non contestées",
        venues: &[Venue::at(
            HUISSIER,
            Debtors::Only(DebtorKind::B2b),
            AmountRange::ANY,
            Source::common("C. jud. art. 1394/20 to 1394/27"),
        )],
        amicable: false,
        note: "for uncontested debts between enterprises registered with the BCE; started at the \
               request of the creditor's lawyer; the debtor has one month, and any contestation ends it",
        source: Source::common("C. jud. art. 1394/20 to 1394/27"),
        domicile: Domicile::Any,
    },
    Procedure {
        name: "citation",
        aliases: &["dagvaarding"],
        title: "citation (ordinary proceedings)",
        venues: &[
            Venue::at(
                JP,
                Debtors::Any,
                AmountRange::ANY,
                Source::default("C. jud. art. 700"),
            ),
            Venue::at(
                TE,
                Debtors::Any,
                AmountRange::ANY,
                Source::default("C. jud. art. 700"),
            ),
            Venue::at(
                TPI,
                Debtors::Any,
                AmountRange::ANY,
                Source::default("C. jud. art. 700"),
            ),
        ],
        amicable: false,
        note: "",
        source: Source::default("C. jud. art. 700"),
        domicile: Domicile::Any,
    },
];

/// The most a Book XIX indemnity clause may charge a consumer, by
/// outstanding balance: up to 150 EUR, 20 EUR; up to 500 EUR, 30 EUR plus
/// 10 % of the part above 150; above, 65 EUR plus 5 % of the part above 500,
/// at most 2,000 EUR. [C-sec], three consistent sources; the paragraph of
/// art. XIX.2 is not verified.
pub(crate) fn indemnity_cap(balance: Decimal) -> Decimal {
    let pct = |n: u32| Decimal::new(i64::from(n), 2);
    if balance <= eur(150) {
        eur(20)
    } else if balance <= eur(500) {
        eur(30).saturating_add(pct(10).saturating_mul(balance.saturating_sub(eur(150))))
    } else {
        let over = pct(5).saturating_mul(balance.saturating_sub(eur(500)));
        eur(65).saturating_add(over).min(eur(2000))
    }
}

const BOOK_XIX: Source = Source::common("CDE art. XIX.2 (loi du 4 mai 2023)");

pub(crate) static PACK: Pack = Pack {
    jurisdiction: Jurisdiction::Be,
    destinations: &DESTINATIONS,
    procedures: &PROCEDURES,
    notice: Fact {
        value: 15,
        // [CONFLICT] 14 or 15 days after a collector's mise en demeure; 15 is
        // the safe minimum, and the sommation of art. 1338 gives 15 days.
        source: Source::default(
            "CDE livre XIX and loi du 20 décembre 2002 art. 6 (14 or 15 days, disputed: 15 kept); C. jud. art. 1338",
        ),
    },
    notice_words: "délai retenu de quinze jours (CDE livre XIX ; C. jud. art. 1338 pour la sommation)",
    contact_guidance: Fact {
        value: (4, 30),
        source: Source::default(
            "no statutory number; over-chasing is an aggressive practice (CDE livre VI)",
        ),
    },
    limitation_b2b: Fact {
        value: 10,
        source: Source::common("C. civ. art. 2262bis §1"),
    },
    limitation_b2c: Fact {
        value: 1,
        // [CONFLICT] merchants' claims for goods sold to non-merchants: one
        // year (loi du 1er mai 1913 art. 5, old C. civ. art. 2272); the
        // stricter reading is kept.
        source: Source::default("loi du 1er mai 1913 art. 5; C. civ. art. 2272"),
    },
    // What was sold decides (legal-facts R14, §5): the one year of art. 2272
    // is for goods sold to non-merchants; services fall under the ten years
    // of art. 2262bis, rent and utility bills (periodic sums) under the five
    // years of art. 2277.
    limitation_b2c_by_sector: &[
        (
            Sector::Goods,
            Fact {
                value: 1,
                source: Source::default("loi du 1er mai 1913 art. 5; C. civ. art. 2272"),
            },
        ),
        (
            Sector::Services,
            Fact {
                value: 10,
                source: Source::common("C. civ. art. 2262bis §1"),
            },
        ),
        (
            Sector::Utility,
            Fact {
                value: 5,
                source: Source::common("C. civ. art. 2277"),
            },
        ),
        (
            Sector::Lease,
            Fact {
                value: 5,
                source: Source::common("C. civ. art. 2277"),
            },
        ),
    ],
    indemnity_b2b: Indemnity::Fixed(Fact {
        value: eur(40),
        source: Source::common("loi du 2 août 2002 art. 6"),
    }),
    // The brackets cap the firm's own clause: nothing is owed without one
    // (R6, [C-sec]).
    indemnity_b2c: Indemnity::Capped(
        indemnity_cap,
        BOOK_XIX,
        "20 EUR up to 150 EUR; 30 EUR plus 10 % of the part above 150 EUR up to 500 EUR; \
         65 EUR plus 5 % of the part above 500 EUR, at most 2,000 EUR",
    ),
    fees_b2c_forbidden: Some(Source::common("CDE livre XIX")),
    indemnity_basis: [
        "loi du 2 août 2002, art. 6",
        "CDE art. XIX.2 (plafond, par tranche de solde, de la clause des conditions générales)",
    ],
    interest_b2b: Interest {
        rule: RateRule::Reference {
            series: "ecb_mro",
            plus: eur(8),
            round_up_to_half: true,
        },
        start: Start::DayAfterDue,
        source: Source::common("loi du 2 août 2002 art. 5"),
        basis: "loi du 2 août 2002, art. 5",
    },
    // Without a clause, a consumer owes the legal interest rate only (R4,
    // [C-sec]); nothing during the 14 days of the free first reminder (R5,
    // CDE art. XIX.2 §1, [C-stat]): it runs from their end.
    interest_b2c: Some(Interest {
        rule: RateRule::Series("be_legal"),
        start: Start::DayAfterNotice,
        source: Source::common(
            "the legal interest rate without a clause (loi du 5 mai 1865); nothing during the free reminder's 14 days, CDE art. XIX.2 §1",
        ),
        basis: "taux d'intérêt légal (loi du 5 mai 1865), après le délai de 14 jours du premier rappel gratuit (CDE art. XIX.2 §1)",
    }),
    penalty_floor: None,
    // The B2B rate is the ceiling of a contractual clause (R4, [C-sec]); its
    // statutory cross-reference is not verified, so the rule warns.
    consumer_interest_cap: Some(InterestCap {
        rule: RateRule::Reference {
            series: "ecb_mro",
            plus: eur(8),
            round_up_to_half: true,
        },
        source: Source::default("CDE art. XIX.2 (a clause's late interest capped at the B2B rate)"),
        words: "the B2B statutory rate (ECB reference rate + 8 points, rounded up to the half point)",
    }),
    free_reminder: Some(FreeReminder {
        after_email: 15,
        after_letter: 21,
        source: Source::statute("CDE art. XIX.2 §1"),
        working_days: Source::default(
            "\"jour ouvrable\" read as Monday to Friday without public holidays; three of them span at most 7 calendar days",
        ),
    }),
    amicable_attempt: None,
    guarantor_information: None,
    commercial_court: None,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn indemnity_cap_by_bracket() {
        assert_eq!(indemnity_cap(d("100")), d("20"));
        assert_eq!(indemnity_cap(d("150")), d("20"));
        assert_eq!(indemnity_cap(d("150.01")), d("30.001"));
        assert_eq!(indemnity_cap(d("300")), d("45"));
        assert_eq!(indemnity_cap(d("500")), d("65"));
        assert_eq!(indemnity_cap(d("1500")), d("115"));
        assert_eq!(indemnity_cap(d("100000")), d("2000"));
    }
}
