//! Luxembourg. Sources: `legal-facts.md` §1.3, §1.4, §2.3, §3; the article
//! of each fact is in its [`Source`].

use super::*;
use crate::vocab::Jurisdiction;

const JP: &str = "justice_de_paix";
const TA: &str = "tribunal_arrondissement";

pub static DESTINATIONS: [Destination; 3] = [
    Destination {
        name: JP,
        aliases: &["juge_de_paix"],
        title: "justice de paix",
        role: Role::Court,
        hears: &[Competence {
            // "à charge d'appel jusqu'à la valeur de 15 000 euros" (≤), since
            // 16 Sept 2021. Whether interest counts in the value is disputed.
            debtors: Debtors::Any,
            amount: AmountRange::up_to(eur(15000)),
            sectors: Sectors::Any,
            source: Source::statute("NCPC art. 2 al. 1 (loi du 15 juillet 2021)"),
        }],
    },
    Destination {
        name: TA,
        aliases: &["tribunal_d_arrondissement", "tribunal_darrondissement"],
        title: "tribunal d'arrondissement",
        role: Role::Court,
        hears: &[Competence {
            debtors: Debtors::Any,
            amount: AmountRange::above(eur(15000)),
            sectors: Sectors::Any,
            source: Source::common("NCPC art. 2; the ordinary civil and commercial court"),
        }],
    },
    Destination {
        name: "huissier_de_justice",
        aliases: &["huissier"],
        title: "huissier de justice",
        role: Role::Bailiff,
        hears: &[],
    },
];

const fn before(destination: &'static str, amount: AmountRange, source: Source) -> Venue {
    Venue::at(destination, Debtors::Any, amount, source)
}

pub static PROCEDURES: [Procedure; 4] = [
    Procedure {
        name: "ordonnance_de_paiement",
        aliases: &["ordonnance_conditionnelle_de_paiement"],
        title: "ordonnance conditionnelle de paiement",
        venues: &[before(
            JP,
            AmountRange::up_to(eur(15000)),
            Source::common("NCPC art. 129 ff."),
        )],
        amicable: false,
        note: "the debtor must live in Luxembourg; it has 30 days to file a contredit",
        source: Source::common("NCPC art. 129 ff."),
        domicile: Domicile::Here(Source::common(
            "NCPC art. 129 ff.: the debtor domiciled or resident in Luxembourg (justice.public.lu; R11)",
        )),
    },
    Procedure {
        name: "ordonnance_de_provision",
        aliases: &["requete_en_ordonnance_de_provision"],
        title: "requête en ordonnance de provision",
        venues: &[before(
            TA,
            AmountRange::ANY,
            Source::common("NCPC art. 919 ff."),
        )],
        amicable: false,
        note: "before the président du tribunal d'arrondissement; the debtor must live in \
               Luxembourg (against a debtor abroad, `refere_provision`)",
        source: Source::common("NCPC art. 919 ff."),
        domicile: Domicile::Here(Source::common(
            "NCPC art. 919 ff.: the debtor domiciled or resident in Luxembourg (justice.public.lu; R11)",
        )),
    },
    Procedure {
        name: "refere_provision",
        aliases: &[],
        title: "référé-provision",
        venues: &[before(
            TA,
            AmountRange::ANY,
            Source::common("NCPC art. 933 al. 2"),
        )],
        amicable: false,
        note: "on summons before the président du tribunal d'arrondissement; usable against a debtor abroad",
        source: Source::common("NCPC art. 933 al. 2"),
        domicile: Domicile::Any,
    },
    Procedure {
        name: "citation",
        aliases: &[],
        title: "citation (ordinary proceedings)",
        venues: &[
            before(JP, AmountRange::ANY, Source::default("NCPC")),
            before(TA, AmountRange::ANY, Source::default("NCPC")),
        ],
        amicable: false,
        note: "",
        source: Source::default("NCPC"),
        domicile: Domicile::Any,
    },
];

pub(crate) static PACK: Pack = Pack {
    jurisdiction: Jurisdiction::Lu,
    destinations: &DESTINATIONS,
    procedures: &PROCEDURES,
    notice: Fact {
        value: 15,
        source: Source::default(
            "no statutory period after a mise en demeure; 15 days kept, as in France and Belgium",
        ),
    },
    notice_words: "aucun délai n'est fixé par la loi ; quinze jours selon l'usage",
    contact_guidance: Fact {
        value: (4, 30),
        source: Source::default(
            "no statute on amicable collection; Code de la consommation, pratiques commerciales agressives",
        ),
    },
    limitation_b2b: Fact {
        value: 10,
        source: Source::common("C. com. art. 189"),
    },
    limitation_b2c_by_sector: &[],
    limitation_b2c: Fact {
        value: 10,
        // Between a merchant and a non-merchant; the shorter presumptive
        // prescriptions (C. civ. art. 2272, 2273) are not verified.
        source: Source::common("C. com. art. 189"),
    },
    indemnity_b2b: Indemnity::Fixed(Fact {
        value: eur(40),
        source: Source::common(
            "loi modifiée du 18 avril 2004, section « Indemnisation pour les frais de recouvrement » (loi du 29 mars 2013)",
        ),
    }),
    indemnity_b2c: Indemnity::NotStatutory(Source::common(
        "loi modifiée du 18 avril 2004 (commercial transactions)",
    )),
    fees_b2c_forbidden: None,
    indemnity_basis: [
        "loi modifiée du 18 avril 2004 relative aux délais de paiement ; directive 2011/7/UE art. 6",
        "pas d'indemnité forfaitaire légale envers un consommateur",
    ],
    // The law of 18 April 2004 as amended by the law of 29 March 2013 (art.
    // 1 b): one law, cited the same way by the checker and the letters.
    interest_b2b: Interest {
        rule: RateRule::Reference {
            series: "ecb_mro",
            plus: eur(8),
            round_up_to_half: false,
        },
        start: Start::DayAfterDue,
        source: Source::statute(
            "loi modifiée du 18 avril 2004 relative aux délais de paiement (loi du 29 mars 2013 art. 1 b)",
        ),
        basis: "loi modifiée du 18 avril 2004 relative aux délais de paiement (loi du 29 mars 2013)",
    },
    // The consumer's late interest is the legal rate under conditions the
    // ledger does not hold (R8): not computed.
    interest_b2c: None,
    penalty_floor: None,
    consumer_interest_cap: None,
    free_reminder: None,
    amicable_attempt: None,
    guarantor_information: None,
    commercial_court: None,
};
