//! The dossier's layout: which sections, in which order, with which words.
//! The journal's verification comes first (what everything else rests on),
//! then the parties, the mise en demeure, the amount claimed and its
//! computation, each invoice's history, and every action in full.

use chrono::NaiveDate;

use super::doc::{Block, Emphasis, Inline, Line, Row, Table, code, mark, strong, text};
use super::words::{self, date, money};
use super::{ActionRecord, Dossier, Event, InvoiceFile, is_formal_notice};

pub fn document(d: &Dossier) -> Vec<Block> {
    let mut blocks = vec![Block::Title(words::title(d)), header(d)];
    blocks.extend(journal(d));
    blocks.extend(creditor(d));
    blocks.extend(parties(d));
    blocks.extend(notice(d));
    blocks.extend(claim(d));
    blocks.extend(invoices(d));
    blocks.extend(actions(d));
    blocks
}

fn header(d: &Dossier) -> Block {
    let about = if d.about_invoice {
        format!(
            " · facture {} du débiteur {} ({})",
            d.id, d.debtor.name, d.debtor.id
        )
    } else {
        format!(" · débiteur {} ({})", d.debtor.name, d.debtor.id)
    };
    Block::Para(vec![
        text("Situation à la fin du "),
        strong(date(d.as_of)),
        text(format!("{about} · montants en {}", d.currency)),
    ])
}

fn journal(d: &Dossier) -> Vec<Block> {
    let j = &d.journal;
    vec![
        Block::Heading(2, vec![text("Journal des envois")]),
        Block::Fields(vec![
            ("Fichier", vec![code(&j.path)]),
            ("Vérification", vec![text(words::verification(d))]),
            (
                "Dernier enregistrement",
                vec![
                    text(format!("n° {}, empreinte SHA-256 ", j.records)),
                    code(&j.last_hash),
                ],
            ),
        ]),
        Block::Para(vec![
            text(
                "Chaque enregistrement du journal est chaîné au précédent par son empreinte \
                 SHA-256 ; la vérification recalcule toute la chaîne. Comparer l'empreinte du \
                 dernier enregistrement avec une copie conservée ailleurs (",
            ),
            code("policy journal verify --expect"),
            text(") établit que le journal n'a pas été tronqué."),
        ]),
    ]
}

fn creditor(d: &Dossier) -> Vec<Block> {
    let Some(firm) = &d.creditor else {
        return Vec::new();
    };
    let mut fields = Vec::new();
    for (label, value) in [
        ("Nom", &firm.name),
        ("Identifiant", &firm.company_id),
        ("Adresse", &firm.address),
        ("Courriel", &firm.email),
        ("Téléphone", &firm.phone),
        ("IBAN", &firm.iban),
    ] {
        if !value.trim().is_empty() {
            fields.push((label, vec![text(words::one_line(value))]));
        }
    }
    vec![
        Block::Heading(2, vec![text("Créancier")]),
        Block::Fields(fields),
    ]
}

fn parties(d: &Dossier) -> Vec<Block> {
    let debtor = &d.debtor;
    let mut fields = vec![
        ("Identifiant", vec![code(&debtor.id)]),
        ("Nom", vec![text(&debtor.name)]),
        ("Qualité", vec![text(words::kind(debtor.kind))]),
    ];
    let optional = [
        ("Pays", &debtor.country),
        ("Adresse", &debtor.address),
        ("Courriel", &debtor.email),
    ];
    for (label, value) in optional {
        if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            fields.push((label, vec![text(words::one_line(value))]));
        }
    }
    let mut blocks = vec![
        Block::Heading(2, vec![text("Débiteur")]),
        Block::Fields(fields),
    ];
    // The debtors file's other columns: labels are the file's own headers.
    let extra: Vec<Line> = debtor
        .attributes
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| vec![text(format!("{k} : {v}"))])
        .collect();
    if !extra.is_empty() {
        blocks.push(Block::List(extra));
    }
    blocks.push(Block::Heading(2, vec![text("Caution")]));
    match debtor.guarantor.as_deref().filter(|g| !g.trim().is_empty()) {
        Some(name) => {
            let mut fields = vec![("Nom", vec![text(name)])];
            if let Some(address) = debtor
                .guarantor_address
                .as_deref()
                .filter(|a| !a.trim().is_empty())
            {
                fields.push(("Adresse", vec![text(words::one_line(address))]));
            }
            blocks.push(Block::Fields(fields));
        }
        None => blocks.push(Block::Para(vec![
            text("Aucune caution n'est connue (colonne "),
            code("guarantor"),
            text(" du fichier des débiteurs)."),
        ])),
    }
    blocks
}

fn notice(d: &Dossier) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(2, vec![text("Mise en demeure")])];
    let notices: Vec<&ActionRecord> = d.formal_notices().collect();
    let mut inside = Vec::new();
    if d.notices.is_empty() {
        inside.push(Block::Para(vec![text(format!(
            "Aucune mise en demeure au débiteur n'a été effectuée au {}.",
            date(d.as_of)
        ))]));
    }
    for period in &d.notices {
        let sent = d.action(period.intent);
        let how = sent.map_or(String::new(), |a| {
            format!(" par {}", words::channel(&a.action.channel))
        });
        let to = sent
            .map(|a| a.action.to.as_str())
            .filter(|t| !t.is_empty())
            .map_or(String::new(), |t| format!(" ({})", words::one_line(t)));
        let about = if period.invoices.len() == d.invoices.len() && d.invoices.len() == 1 {
            String::new()
        } else {
            format!(
                " pour {} {}",
                if period.invoices.len() > 1 {
                    "les factures"
                } else {
                    "la facture"
                },
                period.invoices.join(", ")
            )
        };
        inside.push(Block::Para(vec![
            mark("Mise en demeure"),
            text(format!(" adressée au débiteur{how}{about}, envoyée le ")),
            strong(date(period.sent)),
            text(format!("{to} — action {}.", period.intent)),
        ]));
        let tense = if period.ends < d.as_of {
            "a expiré"
        } else {
            "expire"
        };
        inside.push(Block::Para(vec![
            text("Point de départ du délai de paiement : "),
            strong(date(period.received)),
            text(format!(
                " ({}). Délai de {} jours ({}) : il {tense} le ",
                period.receipt_rule, period.days, period.source
            )),
            strong(date(period.ends)),
            text("."),
        ]));
    }
    if !notices.is_empty() {
        inside.push(Block::List(
            notices
                .iter()
                .map(|a| {
                    let mut line = vec![strong(date(a.action.date)), text(" — ")];
                    line.extend(words::action_line(a, d.law.jurisdiction));
                    line.push(text(format!(
                        " — {} — action {}",
                        words::status(&a.outcome),
                        a.intent
                    )));
                    line
                })
                .collect(),
        ));
    }
    blocks.push(Block::Highlight(inside));
    blocks
}

fn claim(d: &Dossier) -> Vec<Block> {
    let c = &d.claim;
    let cur = d.currency.as_str();
    let mut blocks = vec![
        Block::Heading(
            2,
            vec![text(format!("Montant réclamé au {}", date(c.as_of)))],
        ),
        Block::Para(vec![text(format!(
            "Droit applicable : {} ; débiteur {}.",
            words::law(d),
            words::kind(c.kind)
        ))]),
    ];
    if c.lines.is_empty() {
        blocks.push(Block::Para(vec![text(format!(
            "Rien n'est dû au {} : aucune facture n'a de solde.",
            date(c.as_of)
        ))]));
        return blocks;
    }
    let mut rows: Vec<Row> = c
        .lines
        .iter()
        .map(|l| Row {
            cells: vec![
                vec![code(&l.invoice)],
                vec![text(date(l.due))],
                vec![text(money(l.principal, cur))],
                vec![text(words::interest_cell(l, d))],
                vec![text(money(l.indemnity, cur))],
                vec![text(money(l.total(), cur))],
            ],
            emphasis: Emphasis::None,
        })
        .collect();
    rows.push(Row {
        cells: vec![
            vec![text("Total")],
            vec![],
            vec![text(money(c.principal(), cur))],
            vec![text(money(c.interest(), cur))],
            vec![text(money(c.indemnity(), cur))],
            vec![text(money(c.total(), cur))],
        ],
        emphasis: Emphasis::Strong,
    });
    blocks.push(Block::Table(Table {
        head: vec![
            "Facture",
            "Échéance",
            "Principal restant dû",
            "Intérêts de retard",
            "Indemnité forfaitaire",
            "Total",
        ],
        right: vec![false, false, true, true, true, true],
        rows,
    }));
    let mut notes = Vec::new();
    let charged = c
        .lines
        .iter()
        .any(|l| l.no_interest != Some(super::NoInterest::NotCharged));
    if let (Some(basis), Some(start), true) = (c.interest_basis, c.interest_start, charged) {
        notes.push(vec![text(format!(
            "Intérêts de retard : {basis}. Intérêts simples, jour par jour, sur le principal \
             restant dû la veille, {} au {} inclus ; jours exacts sur 365 ; arrondis au \
             centime une fois par facture.",
            words::interest_start(start, c.jurisdiction),
            date(c.as_of)
        ))]);
    }
    notes.push(vec![text(format!(
        "Indemnité forfaitaire pour frais de recouvrement : {}, par facture en retard.",
        c.indemnity_basis
    ))]);
    for line in c.lines.iter().filter(|l| l.disputed) {
        notes.push(vec![
            strong("Contestée : "),
            text(format!(
                "la facture {} est contestée au {}.",
                line.invoice,
                date(c.as_of)
            )),
        ]);
    }
    if let Some(until) = c.rates_known_until {
        notes.push(vec![
            strong("Taux à vérifier : "),
            text(format!(
                "la table des taux s'arrête au {} ; le dernier taux connu est appliqué au-delà.",
                date(until)
            )),
        ]);
    }
    blocks.push(Block::List(notes));
    blocks.extend(interest_detail(d));
    blocks
}

fn interest_detail(d: &Dossier) -> Vec<Block> {
    let cur = d.currency.as_str();
    let mut rows = Vec::new();
    // Each rate once, with where it comes from, in date order.
    let mut sources: Vec<(NaiveDate, String, String)> = Vec::new();
    for line in &d.claim.lines {
        for p in &line.periods {
            rows.push(Row {
                cells: vec![
                    vec![code(&line.invoice)],
                    vec![text(date(p.from))],
                    vec![text(date(p.to))],
                    vec![text(p.days.to_string())],
                    vec![text(money(p.principal, cur))],
                    vec![text(words::rate(p.rate))],
                    vec![text(money(p.amount, cur))],
                ],
                emphasis: Emphasis::None,
            });
            let basis = words::rate_basis(&p.basis);
            if !sources.iter().any(|(_, b, _)| *b == basis) {
                sources.push((p.from, basis, words::rate(p.rate)));
            }
        }
    }
    if rows.is_empty() {
        return Vec::new();
    }
    sources.sort();
    let mut list: Vec<Line> = sources
        .into_iter()
        .map(|(_, source, rate)| vec![text(format!("{rate} : {source}"))])
        .collect();
    list.push(vec![text(
        "Les montants par période sont arrondis pour l'affichage ; le total de chaque \
         facture est arrondi une seule fois et peut en différer d'un centime.",
    )]);
    vec![
        Block::Heading(3, vec![text("Décompte des intérêts")]),
        Block::Table(Table {
            head: vec![
                "Facture",
                "Du",
                "Au",
                "Jours",
                "Principal",
                "Taux annuel",
                "Intérêts",
            ],
            right: vec![false, false, false, true, true, true, true],
            rows,
        }),
        Block::List(list),
    ]
}

fn invoices(d: &Dossier) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(2, vec![text("Factures")])];
    for invoice in &d.invoices {
        blocks.extend(invoice_file(d, invoice));
    }
    if d.invoices.is_empty() {
        blocks.push(Block::Para(vec![text(format!(
            "Aucune facture impayée ni action de recouvrement au {}.",
            date(d.as_of)
        ))]));
    }
    if d.settled_not_listed > 0 {
        blocks.push(Block::Para(vec![text(format!(
            "{} autre(s) facture(s) du débiteur, soldée(s) ou postérieure(s) au {} et sans action \
             de recouvrement, ne sont pas reprises.",
            d.settled_not_listed,
            date(d.as_of)
        ))]));
    }
    blocks
}

fn invoice_file(d: &Dossier, invoice: &InvoiceFile) -> Vec<Block> {
    let cur = d.currency.as_str();
    let mut blocks = vec![
        Block::Heading(3, vec![text("Facture "), code(&invoice.reference)]),
        Block::Table(Table {
            head: vec!["Émise le", "Échéance", "Montant", "Restant dû"],
            right: vec![false, false, true, true],
            rows: vec![Row {
                cells: vec![
                    vec![text(date(invoice.issued))],
                    vec![text(date(invoice.due))],
                    vec![text(money(invoice.amount, cur))],
                    vec![text(money(invoice.outstanding, cur))],
                ],
                emphasis: Emphasis::None,
            }],
        }),
    ];
    if !invoice.attributes.is_empty() {
        blocks.push(Block::List(
            invoice
                .attributes
                .iter()
                .map(|(k, v)| vec![text(format!("{k} : {v}"))])
                .collect(),
        ));
    }
    let rows = invoice
        .events(d)
        .into_iter()
        .map(|(day, event)| {
            let (what, amount) = words::event(&event, invoice.amount, cur, d.law.jurisdiction);
            let notice = matches!(event, Event::Action(a) if is_formal_notice(&a.action));
            Row {
                cells: vec![
                    vec![text(date(day))],
                    what,
                    amount.map(|a| vec![text(a)]).unwrap_or_default(),
                ],
                emphasis: if notice {
                    Emphasis::Mark
                } else {
                    Emphasis::None
                },
            }
        })
        .collect();
    blocks.push(Block::Table(Table {
        head: vec!["Date", "Événement", "Montant"],
        right: vec![false, false, true],
        rows,
    }));
    blocks
}

fn actions(d: &Dossier) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(2, vec![text("Actions du journal")])];
    if d.actions.is_empty() {
        blocks.push(Block::Para(vec![text(format!(
            "Le journal ne contient aucune action à ce sujet au {}.",
            date(d.as_of)
        ))]));
    }
    for record in &d.actions {
        blocks.push(Block::Keep(action(d, record)));
    }
    if d.later_actions > 0 {
        blocks.push(Block::Para(vec![text(format!(
            "{} action(s) datée(s) après le {} ne sont pas reprises.",
            d.later_actions,
            date(d.as_of)
        ))]));
    }
    if !d.unknown_invoices.is_empty() {
        blocks.push(Block::Para(vec![
            strong("Factures absentes du grand livre : "),
            text(format!(
                "le journal cite {} ; elles ne figurent pas dans le grand livre fourni.",
                d.unknown_invoices.join(", ")
            )),
        ]));
    }
    blocks
}

fn action(d: &Dossier, record: &ActionRecord) -> Vec<Block> {
    let a = &record.action;
    let mut heading: Line = vec![text(format!(
        "Action {} — {} — ",
        record.intent,
        date(a.date)
    ))];
    heading.extend(words::action_what(a, d.law.jurisdiction));
    if is_formal_notice(a) {
        heading.push(text(" — "));
        heading.push(mark("MISE EN DEMEURE"));
    }
    let mut to: Line = vec![text(words::recipient(&a.recipient).to_string())];
    if !a.to.is_empty() {
        to.push(text(format!(" — {}", words::one_line(&a.to))));
    }
    let mut fields: Vec<(&'static str, Line)> = vec![
        ("Étape", {
            let mut line = vec![text(format!("ligne {} de la politique : ", a.step.line))];
            line.extend(words::action_what(a, d.law.jurisdiction));
            line
        }),
        ("Canal", vec![text(words::channel(&a.channel))]),
        ("Destinataire", to),
        ("Factures", invoice_list(&a.invoices)),
    ];
    if let Some(claimed) = a.claimed {
        let currency = a.currency.as_deref().unwrap_or(&d.currency);
        fields.push(("Montant indiqué", vec![text(money(claimed, currency))]));
    }
    fields.push((
        "Fichier",
        vec![
            code(&record.output.path),
            text(format!(" ({} octets)", record.output.bytes)),
        ],
    ));
    fields.push(("SHA-256", vec![code(&record.output.sha256)]));
    if let Some(dispatch) = record.dispatched {
        fields.push((
            "Remis au serveur SMTP",
            vec![text(format!("enregistrement {dispatch}"))],
        ));
    }
    if let Some(answer) = words::smtp_answer(&record.outcome) {
        fields.push(("Réponse SMTP", vec![code(answer)]));
    }
    fields.push(("Issue", vec![text(words::outcome(&record.outcome))]));
    fields.push((
        "Préparée",
        vec![
            text(format!("{}, exécution ", record.at)),
            code(&record.run),
            text(format!(" (enregistrement {})", record.intent)),
        ],
    ));
    vec![Block::Heading(3, heading), Block::Fields(fields)]
}

fn invoice_list(invoices: &[String]) -> Line {
    let mut line = Vec::new();
    for (i, reference) in invoices.iter().enumerate() {
        if i > 0 {
            line.push(Inline::Text(", ".into()));
        }
        line.push(code(reference));
    }
    line
}
