//! Every word of the report, in French and in English: one table per
//! language ([`FR`], [`EN`]), and the few rules that go with them (numbers,
//! amounts, dates, plurals, what a step does). The layout never writes a
//! word of its own.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::letters::format;
use crate::plan::{Action, Amount, Charge, Plan, Rate};
use crate::vocab::{Channel, DebtorKind, Jurisdiction, Recipient};

/// The language of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    /// The name a user gives (`--lang fr`).
    pub fn name(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// French for a policy under French, Belgian or Luxembourg law (the
    /// readers' language there), English for one without a jurisdiction.
    pub fn of(plan: &Plan) -> Lang {
        match plan.jurisdiction.as_ref().map(|j| j.value) {
            Some(Jurisdiction::Fr | Jurisdiction::Be | Jurisdiction::Lu) => Lang::Fr,
            None => Lang::En,
        }
    }

    pub fn words(self) -> &'static Words {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

/// A word with its plural.
#[derive(Debug, Clone, Copy)]
pub struct Noun(pub &'static str, pub &'static str);

/// The words of one language. `{n}`, `{date}`… are filled in by the
/// layout.
#[derive(Debug)]
pub struct Words {
    pub lang: Lang,
    /// The `lang` attribute of the page.
    pub code: &'static str,

    // The page.
    pub simulation_title: &'static str,
    pub diff_title: &'static str,
    /// `{from}`, `{to}`.
    pub window: &'static str,
    pub book_start: &'static str,
    pub amounts_in: &'static str,
    pub made_by: &'static str,

    // The policy and the book.
    pub policy: &'static str,
    pub policies: &'static str,
    pub file: &'static str,
    pub policy_title: &'static str,
    pub jurisdiction: &'static str,
    pub ledger: &'static str,
    pub sha256: &'static str,
    pub sha256_note: &'static str,
    pub git_head: &'static str,
    pub git_file_commit: &'static str,
    pub git_revision: &'static str,
    pub git_staged: &'static str,
    pub git_modified: &'static str,
    pub git_untracked: &'static str,

    // Headline figures.
    pub headline: &'static str,
    pub covered: &'static str,
    pub covered_note: &'static str,
    pub chased: &'static str,
    pub chased_note: &'static str,
    pub collected: &'static str,
    pub collected_note: &'static str,
    /// `{date}`.
    pub outstanding: &'static str,
    pub outstanding_note: &'static str,
    pub by_channel: &'static str,
    pub channel: &'static str,
    pub sent: &'static str,
    pub sent_note: &'static str,
    pub routed: &'static str,
    pub destination: &'static str,
    pub invoices: &'static str,
    pub amount: &'static str,
    pub routed_note: &'static str,
    pub nothing_sent: &'static str,
    pub nothing_routed: &'static str,

    // Charts.
    pub charts: &'static str,
    pub events_per_week: &'static str,
    pub events_per_month: &'static str,
    pub events_per_year: &'static str,
    pub events_axis: &'static str,
    /// `{date}`.
    pub aged_title: &'static str,
    pub aged_note: &'static str,
    pub days_axis: &'static str,
    pub bands: [&'static str; 5],
    pub routed_per_week: &'static str,
    pub routed_per_month: &'static str,
    pub routed_per_year: &'static str,
    /// `{currency}`: in units, thousands, millions.
    pub amount_axis: [&'static str; 3],
    pub no_event: &'static str,
    pub no_balance: &'static str,

    // Tables.
    /// `{n}`.
    pub largest_debtors: &'static str,
    /// `{date}`.
    pub largest_note: &'static str,
    pub rank: &'static str,
    pub debtor: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub open_invoices: &'static str,
    pub outstanding_short: &'static str,
    pub days_late: &'static str,
    pub last_step: &'static str,
    pub next_step: &'static str,
    pub end_of_policy: &'static str,
    /// `{n}` more invoices the same day.
    pub and_invoices: &'static str,
    pub routed_invoices: &'static str,
    pub routed_invoices_note: &'static str,
    pub refused_routes: &'static str,
    pub refused_routes_note: &'static str,
    pub reason: &'static str,
    /// Why the law refuses a route for where the debtor lives; `{procedure}`.
    pub needs_domicile: &'static str,
    pub needs_cross_border: &'static str,
    pub consumer_abroad: &'static str,
    pub not_a_trader: &'static str,
    pub a_trader: &'static str,
    /// The claim is time-barred that day.
    pub time_barred: &'static str,
    pub date: &'static str,
    pub invoice: &'static str,
    pub procedure: &'static str,
    pub outstanding_that_day: &'static str,
    /// `{n}`.
    pub more_rows: &'static str,
    pub all_routed: &'static str,
    pub all_changes: &'static str,

    // The comparison.
    pub before: &'static str,
    pub after: &'static str,
    pub change: &'static str,
    pub what_changes: &'static str,
    /// `{n}` (invoices of the book).
    pub no_change: &'static str,
    /// `{n} invoices`, then the counts.
    pub invoices_change: &'static str,
    pub added: &'static str,
    pub removed: &'static str,
    pub moved: &'static str,
    pub changed: &'static str,
    /// `{invoices}`, `{from}`, `{to}`.
    pub switch_to: &'static str,
    pub switch_new: &'static str,
    pub switch_gone: &'static str,
    /// `{after}`, `{before}`.
    pub covers_instead: &'static str,
    pub events_compared: &'static str,
    pub routed_compared: &'static str,
    pub switches_chart: &'static str,
    pub not_routed: &'static str,
    pub changed_invoices: &'static str,
    pub switches: &'static str,
    pub group_added: &'static str,
    pub group_removed: &'static str,
    pub group_moved: &'static str,
    pub group_changed: &'static str,
    pub step: &'static str,
    pub shift: &'static str,
    pub totals: &'static str,
    pub figure: &'static str,
    pub events: &'static str,

    pub invoice_noun: Noun,
    pub event_noun: Noun,
    pub day_noun: Noun,

    // What steps do.
    pub channels: [(Channel, &'static str, &'static str); 5],
    pub phone: (&'static str, &'static str),
    pub by: &'static str,
    pub and: &'static str,
    pub to_debtor_and_guarantor: &'static str,
    pub call_debtor: &'static str,
    pub call_guarantor: &'static str,
    pub indemnity: &'static str,
    pub statutory_indemnity: &'static str,
    pub fee: &'static str,
    pub statutory_fee: &'static str,
    /// `{rate}`.
    pub interest: &'static str,
    pub statutory_interest: &'static str,
    /// `{destination}`.
    pub route: &'static str,
    pub stop: &'static str,
    /// `{label}`, `{value}`.
    pub label_value: &'static str,
    pub kinds: [(DebtorKind, &'static str); 2],
    pub countries: [(Jurisdiction, &'static str); 3],
    pub months: [&'static str; 12],
}

pub static FR: Words = Words {
    lang: Lang::Fr,
    code: "fr",
    simulation_title: "Simulation de la politique de recouvrement",
    diff_title: "Effet d'une modification de la politique de recouvrement",
    window: "Période du {from} au {to}",
    book_start: "premier jour du grand livre",
    amounts_in: "Montants en {currency}.",
    made_by: "Établi par policy {version} à partir de la politique et du grand livre ci-dessus ; \
              les mêmes fichiers donnent le même rapport.",
    policy: "Politique",
    policies: "Versions comparées",
    file: "Fichier",
    policy_title: "Intitulé",
    jurisdiction: "Droit applicable",
    ledger: "Grand livre",
    sha256: "Empreinte SHA-256",
    sha256_note: "celle que le journal de policy run enregistre pour chaque envoi",
    git_head: "Révision git (HEAD)",
    git_file_commit: "Dernier commit du fichier",
    git_revision: "Révision git",
    git_staged: "version indexée (staged)",
    git_modified: "modifié depuis ce commit",
    git_untracked: "fichier non suivi par git",
    headline: "Chiffres clés",
    covered: "Factures couvertes",
    covered_note: "émises au plus tard le dernier jour, débiteurs visés par la politique",
    chased: "Factures relancées",
    chased_note: "au moins une étape sur la période",
    collected: "Encaissé",
    collected_note: "paiements reçus sur la période",
    outstanding: "Encours au {date}",
    outstanding_note: "restant dû sur les factures couvertes",
    by_channel: "Envois par canal",
    channel: "Canal",
    sent: "Envois",
    sent_note: "Un envoi au débiteur et à la caution compte pour un.",
    routed: "Transmissions aux juridictions et mandataires",
    destination: "Destination",
    invoices: "Factures",
    amount: "Montant",
    routed_note: "Montant : encours de chaque facture le jour de sa transmission.",
    nothing_sent: "Aucun envoi sur la période.",
    nothing_routed: "Aucune facture transmise sur la période.",
    charts: "Graphiques",
    events_per_week: "Événements par semaine, par étape",
    events_per_month: "Événements par mois, par étape",
    events_per_year: "Événements par an, par étape",
    events_axis: "événements",
    aged_title: "Balance âgée au {date}, par retard et type de débiteur",
    aged_note: "Jours de retard depuis l'échéance ; la tranche 0–30 comprend les factures non échues.",
    days_axis: "jours de retard",
    bands: ["0–30", "31–60", "61–90", "91–180", "> 180"],
    routed_per_week: "Montants transmis par destination, par semaine",
    routed_per_month: "Montants transmis par destination, par mois",
    routed_per_year: "Montants transmis par destination, par an",
    amount_axis: [
        "montant ({currency})",
        "montant ({currency}, milliers)",
        "montant ({currency}, millions)",
    ],
    no_event: "Aucune étape sur la période.",
    no_balance: "Aucun encours à la fin de la période.",
    largest_debtors: "Les {n} plus gros encours",
    largest_note: "Encours au {date} ; la prochaine étape est celle que la politique prévoit ensuite \
                   pour l'une des factures ouvertes du débiteur.",
    rank: "N°",
    debtor: "Débiteur",
    name: "Nom",
    kind: "Type",
    open_invoices: "Factures ouvertes",
    outstanding_short: "Encours",
    days_late: "Retard max. (jours)",
    last_step: "Dernière étape",
    next_step: "Prochaine étape",
    end_of_policy: "aucune : fin de la politique",
    and_invoices: "(+{n} factures)",
    routed_invoices: "Factures transmises",
    routed_invoices_note: "Chaque facture transmise sur la période, par date.",
    refused_routes: "Transmissions refusées",
    refused_routes_note: "Les transmissions que la loi ne permet pas pour le domicile ou la qualité \
                          du débiteur : rien n'est fait pour elles ; la politique doit les orienter \
                          autrement.",
    reason: "Motif",
    needs_domicile: "{procedure} : débiteur domicilié hors du pays",
    needs_cross_border: "{procedure} : litige non transfrontalier",
    consumer_abroad: "consommateur domicilié à l'étranger",
    not_a_trader: "débiteur non commerçant",
    a_trader: "débiteur commerçant",
    time_barred: "créance prescrite",
    date: "Date",
    invoice: "Facture",
    procedure: "Procédure",
    outstanding_that_day: "Encours ce jour",
    more_rows: "… et {n} de plus.",
    all_routed: "La même commande avec --format csv liste chaque événement : les lignes dont \
                 l'action est route sont les factures transmises.",
    all_changes: "La même commande avec --format json liste chaque facture qui change.",
    before: "Avant",
    after: "Après",
    change: "Écart",
    what_changes: "Ce qui change",
    no_change: "Aucun changement : les deux versions font la même chose aux {n} factures du grand livre.",
    invoices_change: "{invoices} changent : {counts}.",
    added: "ajoutés",
    removed: "supprimés",
    moved: "déplacés",
    changed: "modifiés",
    switch_to: "{invoices} changent de destination : {from} → {to}",
    switch_new: "{invoices} désormais transmises : {to} (non transmises avant)",
    switch_gone: "{invoices} ne sont plus transmises : {from}",
    covers_instead: "La politique couvre {after} factures au lieu de {before}.",
    events_compared: "Événements par semaine, par étape : avant et après",
    routed_compared: "Montants transmis par destination : avant et après",
    switches_chart: "Factures qui changent de destination",
    not_routed: "non transmise",
    changed_invoices: "Factures qui changent",
    switches: "Changements de destination",
    group_added: "Étapes ajoutées",
    group_removed: "Étapes supprimées",
    group_moved: "Étapes déplacées",
    group_changed: "Étapes modifiées",
    step: "Étape",
    shift: "Décalage (jours)",
    totals: "Totaux",
    figure: "Chiffre",
    events: "Événements",
    invoice_noun: Noun("facture", "factures"),
    event_noun: Noun("événement", "événements"),
    day_noun: Noun("jour", "jours"),
    channels: [
        (Channel::Email, "courriel", "Courriels"),
        (Channel::Courrier, "courrier simple", "Courriers simples"),
        (
            Channel::Recommande,
            "lettre recommandée",
            "Lettres recommandées",
        ),
        (Channel::Sms, "SMS", "SMS"),
        (Channel::Huissier, "huissier", "Actes d'huissier"),
    ],
    phone: ("téléphone", "Appels téléphoniques"),
    by: "par",
    and: "et",
    to_debtor_and_guarantor: "au débiteur et à la caution",
    call_debtor: "appel au débiteur",
    call_guarantor: "appel à la caution",
    indemnity: "indemnité forfaitaire",
    statutory_indemnity: "indemnité forfaitaire légale",
    fee: "frais",
    statutory_fee: "frais légaux",
    interest: "intérêts de retard à {rate} % l'an",
    statutory_interest: "intérêts de retard au taux légal",
    route: "transmission : {destination}",
    stop: "fin des relances",
    label_value: "{label}\u{a0}: {value}",
    kinds: [
        (DebtorKind::B2b, "professionnel (B2B)"),
        (DebtorKind::B2c, "consommateur (B2C)"),
    ],
    countries: [
        (Jurisdiction::Fr, "France"),
        (Jurisdiction::Be, "Belgique"),
        (Jurisdiction::Lu, "Luxembourg"),
    ],
    months: [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
        "déc.",
    ],
};

pub(crate) static EN: Words = Words {
    lang: Lang::En,
    code: "en",
    simulation_title: "Collection policy simulation",
    diff_title: "What a change to the collection policy does",
    window: "From {from} to {to}",
    book_start: "the ledger's first day",
    amounts_in: "Amounts in {currency}.",
    made_by: "Made by policy {version} from the policy and ledger above; the same files give \
              the same report.",
    policy: "Policy",
    policies: "Versions compared",
    file: "File",
    policy_title: "Title",
    jurisdiction: "Governing law",
    ledger: "Ledger",
    sha256: "SHA-256",
    sha256_note: "the one the journal of policy run records with every action",
    git_head: "Git revision (HEAD)",
    git_file_commit: "Last commit of the file",
    git_revision: "Git revision",
    git_staged: "staged version",
    git_modified: "modified since that commit",
    git_untracked: "file not tracked by git",
    headline: "Headline figures",
    covered: "Invoices covered",
    covered_note: "issued by the last day, of the debtors the policy applies to",
    chased: "Invoices chased",
    chased_note: "at least one step in the window",
    collected: "Collected",
    collected_note: "payments received in the window",
    outstanding: "Outstanding on {date}",
    outstanding_note: "still owed on the invoices covered",
    by_channel: "Letters and messages by channel",
    channel: "Channel",
    sent: "Sent",
    sent_note: "A letter to the debtor and the guarantor counts once.",
    routed: "Files routed to courts and agents",
    destination: "Destination",
    invoices: "Invoices",
    amount: "Amount",
    routed_note: "Amount: each invoice's balance on the day it is routed.",
    nothing_sent: "Nothing sent in this window.",
    nothing_routed: "No invoice routed in this window.",
    charts: "Charts",
    events_per_week: "Events per week, by step",
    events_per_month: "Events per month, by step",
    events_per_year: "Events per year, by step",
    events_axis: "events",
    aged_title: "Aged balance on {date}, by days past due and kind of debtor",
    aged_note: "Days past the due date; the 0–30 band includes invoices not yet due.",
    days_axis: "days past due",
    bands: ["0–30", "31–60", "61–90", "91–180", "> 180"],
    routed_per_week: "Amounts routed per destination, by week",
    routed_per_month: "Amounts routed per destination, by month",
    routed_per_year: "Amounts routed per destination, by year",
    amount_axis: [
        "amount ({currency})",
        "amount ({currency} thousand)",
        "amount ({currency} million)",
    ],
    no_event: "No step in this window.",
    no_balance: "Nothing outstanding at the end of the window.",
    largest_debtors: "The {n} largest outstanding debtors",
    largest_note: "Outstanding on {date}; the next step is the one the policy takes next on one \
                   of the debtor's open invoices.",
    rank: "#",
    debtor: "Debtor",
    name: "Name",
    kind: "Kind",
    open_invoices: "Open invoices",
    outstanding_short: "Outstanding",
    days_late: "Oldest (days late)",
    last_step: "Last step",
    next_step: "Next step",
    end_of_policy: "none: end of the policy",
    and_invoices: "(+{n} invoices)",
    routed_invoices: "Invoices routed",
    routed_invoices_note: "Every invoice routed in the window, by date.",
    refused_routes: "Routes refused",
    refused_routes_note: "The routes the law does not allow for where the debtor lives or what \
                          business it is: nothing is done for them; the policy must route them \
                          another way.",
    reason: "Reason",
    needs_domicile: "{procedure}: debtor not domiciled here",
    needs_cross_border: "{procedure}: not a cross-border case",
    consumer_abroad: "consumer living abroad",
    not_a_trader: "debtor not a trader",
    a_trader: "debtor is a trader",
    time_barred: "claim time-barred",
    date: "Date",
    invoice: "Invoice",
    procedure: "Procedure",
    outstanding_that_day: "Balance that day",
    more_rows: "… and {n} more.",
    all_routed: "The same command with --format csv lists every event: the rows whose action is \
                 route are the invoices routed.",
    all_changes: "The same command with --format json lists every invoice that changes.",
    before: "Before",
    after: "After",
    change: "Change",
    what_changes: "What changes",
    no_change: "No change: both versions do the same to the {n} invoices of the ledger.",
    invoices_change: "{invoices} change: {counts}.",
    added: "added",
    removed: "removed",
    moved: "moved",
    changed: "changed",
    switch_to: "{invoices} switch destination: {from} → {to}",
    switch_new: "{invoices} now routed: {to} (not routed before)",
    switch_gone: "{invoices} no longer routed: {from}",
    covers_instead: "The policy covers {after} invoices instead of {before}.",
    events_compared: "Events per week, by step: before and after",
    routed_compared: "Amounts routed per destination: before and after",
    switches_chart: "Invoices that switch destination",
    not_routed: "not routed",
    changed_invoices: "Invoices that change",
    switches: "Destination switches",
    group_added: "Steps added",
    group_removed: "Steps removed",
    group_moved: "Steps moved",
    group_changed: "Steps changed",
    step: "Step",
    shift: "Shift (days)",
    totals: "Totals",
    figure: "Figure",
    events: "Events",
    invoice_noun: Noun("invoice", "invoices"),
    event_noun: Noun("event", "events"),
    day_noun: Noun("day", "days"),
    channels: [
        (Channel::Email, "e-mail", "E-mails"),
        (Channel::Courrier, "letter", "Letters"),
        (
            Channel::Recommande,
            "registered letter",
            "Registered letters",
        ),
        (Channel::Sms, "text message", "Text messages"),
        (Channel::Huissier, "bailiff", "Bailiff's deeds"),
    ],
    phone: ("phone", "Phone calls"),
    by: "by",
    and: "and",
    to_debtor_and_guarantor: "to the debtor and the guarantor",
    call_debtor: "phone call to the debtor",
    call_guarantor: "phone call to the guarantor",
    indemnity: "fixed indemnity",
    statutory_indemnity: "statutory fixed indemnity",
    fee: "fee",
    statutory_fee: "statutory fee",
    interest: "late interest at {rate}% a year",
    statutory_interest: "late interest at the statutory rate",
    route: "referral: {destination}",
    stop: "end of the chase",
    label_value: "{label}: {value}",
    kinds: [
        (DebtorKind::B2b, "business (B2B)"),
        (DebtorKind::B2c, "consumer (B2C)"),
    ],
    countries: [
        (Jurisdiction::Fr, "France"),
        (Jurisdiction::Be, "Belgium"),
        (Jurisdiction::Lu, "Luxembourg"),
    ],
    months: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
};

impl Words {
    /// `1 225 351` (French: narrow no-break spaces) or `1,225,351`.
    pub fn count(&self, n: usize) -> String {
        let digits = n.to_string();
        let separator = match self.lang {
            Lang::Fr => format::THOUSANDS,
            Lang::En => ',',
        };
        group(&digits, separator)
    }

    /// A number with its cents: `1 234,56` or `1,234.56`.
    pub fn number(&self, amount: Decimal) -> String {
        match self.lang {
            Lang::Fr => format::number(amount),
            Lang::En => {
                let rounded = crate::claim::cents(amount);
                let text = format!("{:.2}", rounded.abs());
                let (units, decimals) = text.split_once('.').unwrap_or((&text, "00"));
                let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
                    "-"
                } else {
                    ""
                };
                format!("{sign}{}.{decimals}", group(units, ','))
            }
        }
    }

    /// `1 234,56 €` or `€1,234.56`; other currencies by their code.
    pub fn money(&self, amount: Decimal, currency: &str) -> String {
        match self.lang {
            Lang::Fr => format::money(amount, currency),
            Lang::En => {
                let number = self.number(amount);
                let (sign, digits) = match number.strip_prefix('-') {
                    Some(digits) => ("-", digits),
                    None => ("", number.as_str()),
                };
                match format::currency_sign(currency) {
                    "€" => format!("{sign}€{digits}"),
                    code => format!("{sign}{code}\u{a0}{digits}"),
                }
            }
        }
    }

    /// A tick of an axis: `250 000`, `2,5` or `250,000`, `2.5` (the axis
    /// names the unit). A tick, not an amount anyone adds up: one decimal
    /// at most.
    pub(crate) fn axis_number(&self, value: f64) -> String {
        let tenths = (value * 10.0).round();
        if tenths < 0.0 || !tenths.is_finite() {
            return String::new();
        }
        let whole = self.count((tenths / 10.0).trunc() as usize);
        match (tenths as u64) % 10 {
            0 => whole,
            tenth => {
                let point = if self.lang == Lang::Fr { ',' } else { '.' };
                format!("{whole}{point}{tenth}")
            }
        }
    }

    /// A date in a table: `17/03/2025` or `17 Mar 2025`.
    pub fn date(&self, day: NaiveDate) -> String {
        match self.lang {
            Lang::Fr => day.format("%d/%m/%Y").to_string(),
            Lang::En => format!("{} {} {}", day.day(), self.month(day), day.year()),
        }
    }

    /// A date in a sentence: `17 mars 2025`, `1er avril 2025`, `17 March 2025`.
    pub(crate) fn long_date(&self, day: NaiveDate) -> String {
        match self.lang {
            Lang::Fr => format::date(day),
            Lang::En => day.format("%-d %B %Y").to_string(),
        }
    }

    /// The first day of a week on an axis: `03/03` or `3 Mar`.
    pub(crate) fn week_label(&self, day: NaiveDate) -> String {
        match self.lang {
            Lang::Fr => day.format("%d/%m").to_string(),
            Lang::En => format!("{} {}", day.day(), self.month(day)),
        }
    }

    /// A month on an axis: `mars 2025`, `Mar 2025`.
    pub(crate) fn month_label(&self, day: NaiveDate) -> String {
        format!("{} {}", self.month(day), day.year())
    }

    /// A month's short name: `mars`, `Mar`.
    pub fn month(&self, day: NaiveDate) -> &'static str {
        self.months
            .get(day.month0() as usize)
            .copied()
            .unwrap_or_default()
    }

    /// `1 invoice`, `3 factures`.
    pub fn counted(&self, n: usize, noun: Noun) -> String {
        let word = if n == 1 || (self.lang == Lang::Fr && n == 0) {
            noun.0
        } else {
            noun.1
        };
        format!("{} {word}", self.count(n))
    }

    pub fn kind(&self, kind: DebtorKind) -> &'static str {
        self.kinds
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or("", |(_, word)| word)
    }

    pub fn country(&self, jurisdiction: Jurisdiction) -> &'static str {
        self.countries
            .iter()
            .find(|(j, _)| *j == jurisdiction)
            .map_or("", |(_, word)| word)
    }

    /// A channel as the summary counts it (`email`…, `phone` for calls),
    /// in the plural of a row heading: `Registered letters`.
    pub(crate) fn channel_heading(&self, name: &str) -> String {
        if name == "phone" {
            return self.phone.1.to_string();
        }
        self.channels
            .iter()
            .find(|(c, _, _)| c.as_str() == name)
            .map_or_else(|| name.to_string(), |(_, _, heading)| heading.to_string())
    }

    fn channel(&self, channel: Channel) -> &'static str {
        self.channels
            .iter()
            .find(|(c, _, _)| *c == channel)
            .map_or("", |(_, word, _)| word)
    }

    /// What a destination is called: its title in the law of the
    /// jurisdiction (`justice de paix`), else its name as written.
    pub fn destination(&self, plan: &Plan, name: &str) -> String {
        plan.jurisdiction
            .as_ref()
            .and_then(|j| crate::law::pack(j.value).destination(name))
            .map_or_else(|| name.replace('_', " "), |d| d.title.to_string())
    }

    /// What a procedure is called, as [`Self::destination`].
    pub fn procedure(&self, plan: &Plan, name: &str) -> String {
        plan.jurisdiction
            .as_ref()
            .and_then(|j| crate::law::pack(j.value).procedure(name))
            .map_or_else(|| name.replace('_', " "), |p| p.title.to_string())
    }

    /// What a step does, for a person: `mise_en_demeure par lettre
    /// recommandée au débiteur et à la caution`, `transmission : justice de
    /// paix`. Template names stay as written: they name the letter.
    pub fn action(&self, plan: &Plan, action: &Action) -> String {
        match action {
            Action::Send {
                template,
                channels,
                recipients,
                ..
            } => {
                let mut text = template.clone();
                if !channels.is_empty() {
                    let names: Vec<&str> = channels.iter().map(|c| self.channel(*c)).collect();
                    text.push(' ');
                    text.push_str(self.by);
                    text.push(' ');
                    text.push_str(&self.list(&names));
                }
                if recipients.contains(&Recipient::Guarantor) {
                    text.push(' ');
                    text.push_str(self.to_debtor_and_guarantor);
                }
                text
            }
            Action::Call { recipient } => match recipient {
                Recipient::Guarantor => self.call_guarantor.to_string(),
                // Refused by the checker (a call is no proof of claim).
                Recipient::Debtor | Recipient::Mandataire => self.call_debtor.to_string(),
            },
            Action::Charge(charge) => self.charge(plan, action, charge),
            Action::Route { destination, .. } => self
                .route
                .replace("{destination}", &self.destination(plan, destination)),
            Action::Stop => self.stop.to_string(),
        }
    }

    /// Why a route was refused, in a few words.
    pub(crate) fn refusal(&self, plan: &Plan, why: &crate::law::NotHere) -> String {
        use crate::law::NotHere;
        match why {
            NotHere::ProcedureNeedsDomicile(p, _) => self
                .needs_domicile
                .replace("{procedure}", &self.procedure(plan, p.name)),
            NotHere::ProcedureNeedsCrossBorder(p, _) => self
                .needs_cross_border
                .replace("{procedure}", &self.procedure(plan, p.name)),
            NotHere::ConsumerAbroad => self.consumer_abroad.to_string(),
            NotHere::NotATrader(_) => self.not_a_trader.to_string(),
            NotHere::ATrader(_) => self.a_trader.to_string(),
            NotHere::TimeBarred { .. } => self.time_barred.to_string(),
        }
    }

    /// What a charge step charges: a fixed amount, a rate or the law's
    /// figure in words; a charge of any other form as `policy explain`
    /// says it. (`if let`, not an exhaustive `match`: a new form of charge
    /// still has a name here.)
    fn charge(&self, plan: &Plan, action: &Action, charge: &Charge) -> String {
        let currency = plan.currency.value;
        let as_written = || {
            let text = crate::plan::display::describe_action(plan, action);
            text.strip_prefix("charge ").unwrap_or(&text).to_string()
        };
        let (word, statutory, amount) = match charge {
            Charge::Indemnity(amount) => (self.indemnity, self.statutory_indemnity, amount),
            Charge::Fee(amount) => (self.fee, self.statutory_fee, amount),
            Charge::Interest(rate) => {
                if let Rate::Percent(rate) = rate {
                    let rate = rate.normalize().to_string();
                    let rate = match self.lang {
                        Lang::Fr => rate.replace('.', ","),
                        Lang::En => rate,
                    };
                    return self.interest.replace("{rate}", &rate);
                }
                if matches!(rate, Rate::Statutory) {
                    return self.statutory_interest.to_string();
                }
                return as_written();
            }
        };
        if let Amount::Fixed(value) = amount {
            return format!("{word} {}", self.money(*value, currency));
        }
        if matches!(amount, Amount::Statutory) {
            return statutory.to_string();
        }
        if let Amount::Share { percent, min, max } = amount {
            // The firm's clause: `10% min 25 EUR`, in the report's language.
            let percent = percent.normalize().to_string();
            let (percent, at_least, at_most) = match self.lang {
                Lang::Fr => (
                    format!("{} %", percent.replace('.', ",")),
                    "au moins",
                    "au plus",
                ),
                Lang::En => (format!("{percent}%"), "at least", "at most"),
            };
            let bounds: Vec<String> = [(at_least, min), (at_most, max)]
                .into_iter()
                .filter_map(|(word, bound)| {
                    bound.map(|b| format!("{word} {}", self.money(b, currency)))
                })
                .collect();
            let of = match self.lang {
                Lang::Fr => "de",
                Lang::En => "of",
            };
            return if bounds.is_empty() {
                format!("{word} {of} {percent}")
            } else {
                format!("{word} {of} {percent} ({})", bounds.join(", "))
            };
        }
        as_written()
    }

    /// A step of a plan with its number: `4 · mise_en_demeure par …`.
    pub fn step(&self, plan: &Plan, step: crate::plan::StepId) -> String {
        plan.step(step).map_or_else(String::new, |s| {
            format!("{} · {}", s.id.0 + 1, self.action(plan, &s.action))
        })
    }

    /// `a, b et c`.
    fn list(&self, items: &[&str]) -> String {
        match items {
            [] => String::new(),
            [one] => one.to_string(),
            [init @ .., last] => format!("{} {} {last}", init.join(", "), self.and),
        }
    }
}

/// Digits grouped by three.
fn group(digits: &str, separator: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    let count = digits.chars().count();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (count - i) % 3 == 0 {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn numbers_amounts_and_dates_in_each_language() {
        assert_eq!(EN.count(1_225_351), "1,225,351");
        assert_eq!(FR.count(1_225_351), "1\u{202f}225\u{202f}351");
        assert_eq!(EN.count(12), "12");
        assert_eq!(EN.money(dec("1234.5"), "EUR"), "€1,234.50");
        assert_eq!(EN.money(dec("-1234.5"), "EUR"), "-€1,234.50");
        assert_eq!(EN.money(dec("12"), "CHF"), "CHF\u{a0}12.00");
        assert_eq!(FR.money(dec("1234.5"), "EUR"), "1\u{202f}234,50\u{a0}€");
        let day = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        assert_eq!(FR.date(day), "01/03/2025");
        assert_eq!(EN.date(day), "1 Mar 2025");
        assert_eq!(FR.long_date(day), "1er mars 2025");
        assert_eq!(EN.long_date(day), "1 March 2025");
        assert_eq!(FR.counted(0, FR.invoice_noun), "0 facture");
        assert_eq!(EN.counted(0, EN.invoice_noun), "0 invoices");
        assert_eq!(EN.counted(1, EN.invoice_noun), "1 invoice");
        assert_eq!(EN.axis_number(250_000.0), "250,000");
        assert_eq!(EN.axis_number(2.5), "2.5");
        assert_eq!(FR.axis_number(2.5), "2,5");
        assert_eq!(FR.axis_number(0.0), "0");
    }

    #[test]
    fn the_language_follows_the_jurisdiction() {
        let plan = |header: &str| {
            let text = format!("{header}after 15 days send relance_1 by email\n");
            let source = crate::source::SourceFile::new("t.policy", text);
            crate::check::check_source(&source, std::path::Path::new("."))
                .plan
                .unwrap()
        };
        for country in ["FR", "BE", "LU"] {
            assert_eq!(
                Lang::of(&plan(&format!("jurisdiction {country}\n"))),
                Lang::Fr
            );
        }
        assert_eq!(Lang::of(&plan("")), Lang::En);
    }

    #[test]
    fn steps_are_said_in_each_language() {
        let text = "jurisdiction LU
applies to b2b
after 15 days send relance_1 by email
after 30 days send relance_2 by email, courrier
after 38 days call debtor
after 45 days send mise_en_demeure by recommandé to debtor, guarantor
charge indemnity 40 EUR
charge interest statutory
after 60 days if amount <= 15000 route justice_de_paix
after 60 days if amount > 15000 route tribunal_arrondissement
";
        let source = crate::source::SourceFile::new("lu.policy", text);
        let plan = crate::check::check_source(&source, std::path::Path::new("."))
            .plan
            .unwrap();
        let said = |words: &Words| -> Vec<String> {
            (0..plan.steps.len())
                .map(|i| words.step(&plan, crate::plan::StepId(i)))
                .collect()
        };
        assert_eq!(
            said(&FR),
            [
                "1 · relance_1 par courriel",
                "2 · relance_2 par courriel et courrier simple",
                "3 · appel au débiteur",
                "4 · mise_en_demeure par lettre recommandée au débiteur et à la caution",
                "5 · indemnité forfaitaire 40,00\u{a0}€",
                "6 · intérêts de retard au taux légal",
                "7 · transmission : justice de paix",
                "8 · transmission : tribunal d'arrondissement",
            ]
        );
        assert_eq!(
            said(&EN),
            [
                "1 · relance_1 by e-mail",
                "2 · relance_2 by e-mail and letter",
                "3 · phone call to the debtor",
                "4 · mise_en_demeure by registered letter to the debtor and the guarantor",
                "5 · fixed indemnity €40.00",
                "6 · late interest at the statutory rate",
                "7 · referral: justice de paix",
                "8 · referral: tribunal d'arrondissement",
            ]
        );
    }

    #[test]
    fn both_tables_name_every_channel_kind_and_country() {
        for words in [&FR, &EN] {
            for channel in Channel::ALL {
                assert!(!words.channel(*channel).is_empty(), "{channel:?}");
            }
            for kind in DebtorKind::ALL {
                assert!(!words.kind(*kind).is_empty(), "{kind:?}");
            }
            for country in Jurisdiction::ALL {
                assert!(!words.country(*country).is_empty(), "{country:?}");
            }
        }
    }

    #[test]
    fn the_firms_own_indemnity_clause_is_said_in_each_language() {
        let text = "jurisdiction BE
applies to b2c
after 10 days send rappel_gratuit by email
after 15 days from rappel_gratuit send mise_en_demeure by recommandé
charge indemnity 10% min 25 EUR
";
        let source = crate::source::SourceFile::new("be.policy", text);
        let plan = crate::check::check_source(&source, std::path::Path::new("."))
            .plan
            .unwrap();
        let step = crate::plan::StepId(2);
        assert_eq!(
            FR.step(&plan, step),
            "3 · indemnité forfaitaire de 10 % (au moins 25,00\u{a0}€)"
        );
        assert_eq!(
            EN.step(&plan, step),
            "3 · fixed indemnity of 10% (at least €25.00)"
        );
    }
}
