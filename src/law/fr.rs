//! France. Sources: `legal-facts.md` §1.1, §2.1, §3, §4.1, §5; the article
//! of each fact is in its [`Source`].

use super::*;
use crate::vocab::Jurisdiction;

const TJ: &str = "tribunal_judiciaire";
const TC: &str = "tribunal_de_commerce";
const JCP: &str = "juge_des_contentieux_de_la_protection";

pub static DESTINATIONS: [Destination; 6] = [
    Destination {
        name: TJ,
        aliases: &[],
        title: "tribunal judiciaire",
        role: Role::Court,
        // The ordinary civil court: its competence is not checked.
        hears: &[],
    },
    Destination {
        name: TC,
        aliases: &[
            "tribunal_commerce",
            // Twelve tribunaux de commerce renamed for the 2025–2028 trial
            // (loi 2023-1059 art. 26), [C-sec].
            "tribunal_des_activites_economiques",
        ],
        title: "tribunal de commerce",
        role: Role::Court,
        hears: &[Competence {
            // Disputes between commerçants and about acts of commerce: a
            // consumer is sued before the civil courts.
            debtors: Debtors::Only(DebtorKind::B2b),
            amount: AmountRange::ANY,
            sectors: Sectors::Any,
            source: Source::common("C. com. art. L721-3"),
        }],
    },
    Destination {
        name: JCP,
        aliases: &["jcp", "juge_contentieux_protection"],
        title: "juge des contentieux de la protection",
        role: Role::Court,
        hears: &[],
    },
    Destination {
        name: "commissaire_de_justice",
        aliases: &["huissier_de_justice", "huissier"],
        title: "commissaire de justice",
        role: Role::Bailiff,
        hears: &[],
    },
    Destination {
        name: "conciliateur_de_justice",
        aliases: &["conciliateur"],
        title: "conciliateur de justice",
        role: Role::Amicable,
        hears: &[],
    },
    Destination {
        name: "mediateur",
        aliases: &["mediateur_judiciaire"],
        title: "médiateur",
        role: Role::Amicable,
        hears: &[],
    },
];

const fn venue(destination: &'static str, debtors: Debtors, source: Source) -> Venue {
    Venue::at(destination, debtors, AmountRange::ANY, source)
}

const CPC_1406: Source = Source::statute("CPC art. 1406");
const CPC_750_1: Source = Source::statute("CPC art. 750-1 (décret 2023-357)");

pub static PROCEDURES: [Procedure; 7] = [
    Procedure {
        name: "injonction_de_payer",
        aliases: &["requete_en_injonction_de_payer"],
        title: "injonction de payer",
        venues: &[
            venue(TJ, Debtors::Any, CPC_1406),
            // The court's own competence (b2b only) is checked on the court.
            venue(TC, Debtors::Any, CPC_1406),
            venue(JCP, Debtors::Any, CPC_1406),
        ],
        amicable: false,
        note: "the request goes to the court of the place where the debtor lives (CPC art. 1406, \
               public order); against a debtor domiciled abroad use `injonction_de_payer_europeenne`; \
               a lawyer is required above 10,000 EUR (CPC art. 761 and 853)",
        source: Source::statute("CPC art. 1405 to 1425"),
        domicile: Domicile::Here(Source::statute(
            "CPC art. 1406: the court of the debtor's domicile; not against a debtor domiciled abroad",
        )),
    },
    Procedure {
        name: "assignation",
        aliases: &[],
        title: "assignation (ordinary proceedings)",
        venues: &[
            venue(TJ, Debtors::Any, Source::default("CPC art. 54 and 55")),
            venue(
                TC,
                Debtors::Only(DebtorKind::B2b),
                Source::common("C. com. art. L721-3"),
            ),
            venue(JCP, Debtors::Any, Source::default("CPC art. 54 and 55")),
        ],
        amicable: false,
        note: "a lawyer is required above 10,000 EUR (CPC art. 760, 761 and 853)",
        source: Source::default("CPC art. 54 and 55"),
        domicile: Domicile::Any,
    },
    Procedure {
        name: "refere_provision",
        aliases: &["refere"],
        title: "référé-provision",
        venues: &[
            venue(
                TJ,
                Debtors::Any,
                Source::common("CPC art. 835 al. 2 (président du tribunal judiciaire)"),
            ),
            // The court's own competence (b2b only) is checked on the court.
            venue(
                TC,
                Debtors::Any,
                Source::common("CPC art. 873 al. 2 (président du tribunal de commerce)"),
            ),
        ],
        amicable: false,
        note: "a provision where the obligation is not seriously contestable, on summons before \
               the président; usable against a debtor domiciled abroad; a lawyer is required \
               above 10,000 EUR (CPC art. 761 and 853)",
        // legal-facts R3: [C-sec]; the article numbers are not verified.
        source: Source::common("CPC art. 835 al. 2 and 873 al. 2"),
        domicile: Domicile::Any,
    },
    Procedure {
        name: "petites_creances",
        aliases: &[
            "procedure_simplifiee_de_recouvrement",
            "recouvrement_des_petites_creances",
        ],
        title: "procédure simplifiée de recouvrement des petites créances",
        venues: &[Venue {
            destination: Some("commissaire_de_justice"),
            debtors: Debtors::Any,
            // L125-1 says "inférieure à" a decree amount, R125-1 as quoted
            // "n'excède pas 5 000 €" [CONFLICT]: 5000 is allowed, with a
            // warning at exactly 5000.
            amount: AmountRange::up_to(eur(5000)),
            disputed_boundary: true,
            replaces_competence: false,
            source: Source::common("CPCE art. L125-1 and R125-1 (décret 2019-992)"),
        }],
        amicable: true,
        note: "principal and interest up to 5,000 EUR; the debtor has one month to accept; \
               all its costs stay with the creditor",
        source: Source::statute("CPCE art. L125-1"),
        domicile: Domicile::Any,
    },
    Procedure {
        name: "conciliation",
        aliases: &["tentative_de_conciliation"],
        title: "tentative de conciliation",
        venues: &[venue("conciliateur_de_justice", Debtors::Any, CPC_750_1)],
        amicable: true,
        note: "",
        source: CPC_750_1,
        domicile: Domicile::Any,
    },
    Procedure {
        name: "mediation",
        aliases: &["tentative_de_mediation"],
        title: "tentative de médiation",
        venues: &[venue("mediateur", Debtors::Any, CPC_750_1)],
        amicable: true,
        note: "",
        source: CPC_750_1,
        domicile: Domicile::Any,
    },
    Procedure {
        name: "procedure_participative",
        aliases: &[],
        title: "procédure participative",
        // Conducted by the parties' lawyers: any destination, usually a
        // lawyer the policy declares.
        venues: &[Venue {
            destination: None,
            debtors: Debtors::Any,
            amount: AmountRange::ANY,
            disputed_boundary: false,
            replaces_competence: false,
            source: CPC_750_1,
        }],
        amicable: true,
        note: "",
        source: CPC_750_1,
        domicile: Domicile::Any,
    },
];

pub(crate) static PACK: Pack = Pack {
    jurisdiction: Jurisdiction::Fr,
    destinations: &DESTINATIONS,
    procedures: &PROCEDURES,
    notice: Fact {
        value: 15,
        source: Source::default(
            "C. civ. art. 1344 sets no period; 8 to 15 days is customary, 15 kept",
        ),
    },
    notice_words: "l'article 1344 du Code civil ne fixe pas de délai ; quinze jours selon l'usage",
    contact_guidance: Fact {
        value: (4, 30),
        source: Source::default(
            "no statutory number; over-chasing is an aggressive practice (C. conso art. L121-6)",
        ),
    },
    limitation_b2b: Fact {
        value: 5,
        source: Source::statute("C. com. art. L110-4 I; C. civ. art. 2224"),
    },
    limitation_b2c: Fact {
        value: 2,
        source: Source::statute("C. conso art. L218-2"),
    },
    limitation_b2c_by_sector: &[],
    indemnity_b2b: Indemnity::Fixed(Fact {
        value: eur(40),
        source: Source::statute("C. com. art. L441-10 II and D441-5"),
    }),
    indemnity_b2c: Indemnity::Forbidden(Source::statute("CPCE art. L111-8")),
    fees_b2c_forbidden: Some(Source::statute("CPCE art. L111-8")),
    indemnity_basis: [
        "C. com. art. L441-10 II et D441-5",
        "CPCE art. L111-8 : frais à la charge du créancier sans titre exécutoire",
    ],
    interest_b2b: Interest {
        rule: RateRule::Reference {
            series: "ecb_mro",
            plus: eur(10),
            round_up_to_half: false,
        },
        start: Start::DayAfterDue,
        source: Source::statute("C. com. art. L441-10 II"),
        basis: "C. com. art. L441-10 II",
    },
    // A firm's claim on a consumer: the "other cases" legal rate, from the
    // formal notice.
    interest_b2c: Some(Interest {
        rule: RateRule::Series("fr_legal_other"),
        start: Start::DayAfterNotice,
        source: Source::statute("C. civ. art. 1231-6 and 1344-1; C. mon. fin. art. L313-2"),
        basis: "C. civ. art. 1231-6 et 1344-1 ; C. mon. fin. art. L313-2",
    }),
    // "Le taux … ne peut être inférieur à trois fois le taux d'intérêt
    // légal" (legal-facts §2.1, R7, [C-stat]).
    penalty_floor: Some(RateFloor {
        times: eur(3),
        series: "fr_legal_other",
        source: Source::statute("C. com. art. L441-10 II"),
        words: "three times the legal interest rate",
    }),
    consumer_interest_cap: None,
    free_reminder: None,
    amicable_attempt: Some(AmicableAttempt {
        up_to: eur(5000),
        // A rule of the procedure before the tribunal judiciaire (and its
        // juge des contentieux de la protection), not before the tribunal
        // de commerce (legal-facts R2, [C-sec]).
        courts: &[TJ, JCP],
        source: CPC_750_1,
        // The EU procedures follow their regulations, not the CPC.
        exempt: &[
            "injonction_de_payer",
            "injonction_de_payer_europeenne",
            "petits_litiges_europeens",
        ],
        exempt_source: Source::default(
            "CPC art. 750-1 3° (a decision made without hearing the debtor), read as exempting the injonction de payer; the EU procedures follow their regulations",
        ),
    }),
    // "dès le premier incident de paiement non régularisé dans le mois de
    // l'exigibilité" (R10, [C-stat]): the duty arises when the month after
    // the due date has passed unpaid; a notice on day 32 complies.
    guarantor_information: Some(GuarantorInformation {
        months: 1,
        source: Source::statute("C. civ. art. 2303"),
        grace_days: 15,
        grace_source: Source::default(
            "\"dès\" (as soon as) read as within 15 days of the end of that month; \
             interest and penalties from the incident to the information are lost",
        ),
    }),
    // The tribunal de commerce hears disputes between commerçants, between
    // commercial companies and about acts of commerce; a liberal
    // profession, an association or a société civile goes to the tribunal
    // judiciaire (R12, [C-stat]). A creditor that is not itself a trader
    // may choose the civil court: the firms this tool serves are traders.
    commercial_court: Some(CommercialCourt {
        commercial: TC,
        civil: TJ,
        source: Source::statute("C. com. art. L721-3"),
    }),
};
