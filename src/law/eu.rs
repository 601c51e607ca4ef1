//! EU cross-border procedures, available in every jurisdiction: the
//! European order for payment and the European small claims procedure.
//! Sources: `legal-facts.md` §1.4. Where they are brought is national: in
//! Luxembourg the juge de paix; in France and Belgium the court competent
//! under national law.

use super::*;
use crate::vocab::Jurisdiction;

const EOP_SOURCE: Source = Source::common("Reg. (EC) 1896/2006");
const ESCP_SOURCE: Source = Source::common("Reg. (EC) 861/2007 as amended by Reg. (EU) 2015/2421");

const CROSS_BORDER: &str = "cross-border claims only: at least one party domiciled in another \
                            Member State (not Denmark)";

const fn venue(destination: &'static str, amount: AmountRange, source: Source) -> Venue {
    Venue::at(destination, Debtors::Any, amount, source)
}

/// "does not exceed 5,000 EUR", excluding interest and costs, since 14 July 2017.
const SMALL: AmountRange = AmountRange::up_to(eur(5000));

const fn eop(venues: &'static [Venue]) -> Procedure {
    Procedure {
        name: "injonction_de_payer_europeenne",
        aliases: &[
            "european_order_for_payment",
            "ordonnance_europeenne_de_paiement",
        ],
        title: "injonction de payer européenne",
        venues,
        amicable: false,
        note: CROSS_BORDER,
        source: EOP_SOURCE,
        domicile: Domicile::Abroad(Source::common(
            "Reg. (EC) 1896/2006 art. 3 (cross-border cases)",
        )),
    }
}

const fn escp(venues: &'static [Venue]) -> Procedure {
    Procedure {
        name: "petits_litiges_europeens",
        aliases: &[
            "european_small_claims",
            "reglement_europeen_des_petits_litiges",
        ],
        title: "procédure européenne de règlement des petits litiges",
        venues,
        amicable: false,
        note: CROSS_BORDER,
        source: ESCP_SOURCE,
        domicile: Domicile::Abroad(Source::common(
            "Reg. (EC) 861/2007 art. 3 (cross-border cases)",
        )),
    }
}

static FR: [Procedure; 2] = [
    eop(&[
        venue("tribunal_judiciaire", AmountRange::ANY, EOP_SOURCE),
        venue("tribunal_de_commerce", AmountRange::ANY, EOP_SOURCE),
        venue(
            "juge_des_contentieux_de_la_protection",
            AmountRange::ANY,
            EOP_SOURCE,
        ),
    ]),
    escp(&[
        venue("tribunal_judiciaire", SMALL, ESCP_SOURCE),
        venue("tribunal_de_commerce", SMALL, ESCP_SOURCE),
        venue("juge_des_contentieux_de_la_protection", SMALL, ESCP_SOURCE),
    ]),
];

static BE: [Procedure; 2] = [
    eop(&[
        venue("justice_de_paix", AmountRange::ANY, EOP_SOURCE),
        venue("tribunal_entreprise", AmountRange::ANY, EOP_SOURCE),
        venue("tribunal_premiere_instance", AmountRange::ANY, EOP_SOURCE),
    ]),
    escp(&[
        venue("justice_de_paix", SMALL, ESCP_SOURCE),
        venue("tribunal_entreprise", SMALL, ESCP_SOURCE),
        venue("tribunal_premiere_instance", SMALL, ESCP_SOURCE),
    ]),
];

/// In Luxembourg the small claims procedure goes to the juge de paix
/// (e-justice LU, [C-sec]); an order for payment follows the national
/// split: the juge de paix up to 15,000 EUR, the président du tribunal
/// d'arrondissement above (Luxembourg's declaration under art. 29(1)(a)
/// of Reg. 1896/2006, e-justice Judicial Atlas; legal-facts R1, [C-sec]).
const LU_JP: Source =
    Source::common("e-justice, Luxembourg: the juge de paix hears EU small claims");
const LU_EOP: Source = Source::common(
    "Reg. (EC) 1896/2006 art. 29(1)(a), Luxembourg's declaration (e-justice Judicial Atlas)",
);

static LU: [Procedure; 2] = [
    eop(&[
        venue("justice_de_paix", AmountRange::up_to(eur(15000)), LU_EOP),
        venue(
            "tribunal_arrondissement",
            AmountRange::above(eur(15000)),
            LU_EOP,
        ),
    ]),
    escp(&[Venue {
        replaces_competence: true,
        ..venue("justice_de_paix", SMALL, LU_JP)
    }]),
];

/// The EU procedures with their venues in a jurisdiction.
pub fn procedures(jurisdiction: Jurisdiction) -> &'static [Procedure] {
    match jurisdiction {
        Jurisdiction::Fr => &FR,
        Jurisdiction::Be => &BE,
        Jurisdiction::Lu => &LU,
    }
}
