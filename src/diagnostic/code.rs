//! The stable diagnostic codes. A code names one kind of problem forever:
//! scripts and CI filter on it, and `docs/diagnostics.md` documents each one
//! (a test checks that every code here is documented there).

macro_rules! codes {
    ($($variant:ident => $code:literal,)*) => {
        /// One kind of problem; see `docs/diagnostics.md`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed: `policy::unknown_template`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $code,)*
                }
            }

            /// The code from its printed form, with or without the `policy::` prefix.
            pub fn parse(text: &str) -> Option<Code> {
                let full = if text.contains("::") { text.to_string() } else { format!("policy::{text}") };
                Code::ALL.iter().copied().find(|code| code.as_str() == full)
            }
        }
    };
}

/// What an error means for the process, decided here for every command:
/// a finding in the user's files (exit 1), or a failure to do the job now
/// (exit 2: the file system, a lock, a server, a refused usage). Warnings
/// never decide an exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Finding,
    Failure,
}

impl Code {
    /// The class of an error with this code (see [`Class`]).
    pub fn class(self) -> Class {
        use Code::*;
        match self {
            Io
            | NoPolicyFiles
            | LedgerNoDebtors
            | WriteFailed
            | UnsafePath
            | JournalLocked
            | JournalDuplicate
            | OutputConflict
            | BackdatedRun
            | SmtpUnavailable
            | Internal
            | FaultInjected
            | WatchFailed
            | LspProtocol
            | ExpectHash
            | GitMissing
            | NotAGitRepository
            | UnknownRevision
            | NotInRevision
            | GitFailed
            | ImportExists
            | DossierOutput
            | DossierNoJurisdiction
            | BankLedger
            | FormatChangedMeaning => Class::Failure,
            _ => Class::Finding,
        }
    }
}

codes! {
    // reading files
    Io => "policy::io",
    NoPolicyFiles => "policy::no_policy_files",
    InvalidUtf8 => "policy::invalid_utf8",
    NotText => "policy::not_text",
    // syntax
    Syntax => "policy::syntax",
    UnknownKeyword => "policy::unknown_keyword",
    UnterminatedString => "policy::unterminated_string",
    NestingTooDeep => "policy::nesting_too_deep",
    NumberTooLarge => "policy::number_too_large",
    DuplicateClause => "policy::duplicate_clause",
    // headers
    DuplicateHeader => "policy::duplicate_header",
    HeaderAfterStatement => "policy::header_after_statement",
    UnknownJurisdiction => "policy::unknown_jurisdiction",
    UnknownCurrency => "policy::unknown_currency",
    UnknownDebtorKind => "policy::unknown_debtor_kind",
    UnknownSector => "policy::unknown_sector",
    UnknownDestinationKind => "policy::unknown_destination_kind",
    TemplatesDir => "policy::templates_dir",
    EmptyPolicy => "policy::empty_policy",
    // statements
    UnknownTemplate => "policy::unknown_template",
    UnknownChannel => "policy::unknown_channel",
    UnknownRecipient => "policy::unknown_recipient",
    UnknownField => "policy::unknown_field",
    UnknownEvent => "policy::unknown_event",
    GraceDuration => "policy::grace_duration",
    UnknownFlag => "policy::unknown_flag",
    DebtorCondition => "policy::debtor_condition",
    UnknownColumn => "policy::unknown_column",
    CountryCode => "policy::country_code",
    ClaimAboveCeiling => "policy::claim_above_ceiling",
    UnknownCharge => "policy::unknown_charge",
    DuplicateItem => "policy::duplicate_item",
    CurrencyMismatch => "policy::currency_mismatch",
    UnitMismatch => "policy::unit_mismatch",
    ChargeValue => "policy::charge_value",
    ZeroDuration => "policy::zero_duration",
    AnchorNotSentEarlier => "policy::anchor_not_sent_earlier",
    AnchorCycle => "policy::anchor_cycle",
    UnknownRule => "policy::unknown_rule",
    AllowWithoutStatement => "policy::allow_without_statement",
    EmptyReason => "policy::empty_reason",
    // ledger
    LedgerNoDebtors => "policy::ledger_no_debtors",
    LedgerSyntax => "policy::ledger_syntax",
    LedgerSpreadsheet => "policy::ledger_spreadsheet",
    RouteDomicile => "policy::route_domicile",
    LedgerColumn => "policy::ledger_column",
    LedgerMissingValue => "policy::ledger_missing_value",
    LedgerType => "policy::ledger_type",
    LedgerDate => "policy::ledger_date",
    LedgerAmount => "policy::ledger_amount",
    LedgerAmountNotPositive => "policy::ledger_amount_not_positive",
    LedgerCurrency => "policy::ledger_currency",
    LedgerDueBeforeIssue => "policy::ledger_due_before_issue",
    LedgerDuplicateInvoice => "policy::ledger_duplicate_invoice",
    LedgerUnknownInvoice => "policy::ledger_unknown_invoice",
    LedgerUnknownDebtor => "policy::ledger_unknown_debtor",
    LedgerDebtorMismatch => "policy::ledger_debtor_mismatch",
    LedgerBeforeIssue => "policy::ledger_before_issue",
    LedgerOverpayment => "policy::ledger_overpayment",
    LedgerDispute => "policy::ledger_dispute",
    LedgerHold => "policy::ledger_hold",
    LedgerInstalment => "policy::ledger_instalment",
    LedgerInsolvency => "policy::ledger_insolvency",
    LedgerDebtorKind => "policy::ledger_debtor_kind",
    LedgerCountry => "policy::ledger_country",
    LedgerTrader => "policy::ledger_trader",
    LedgerGuaranteeLimit => "policy::ledger_guarantee_limit",
    MissingMention => "policy::missing_mention",
    LedgerDuplicateDebtor => "policy::ledger_duplicate_debtor",
    LedgerMoreProblems => "policy::ledger_more_problems",
    LedgerMapping => "policy::ledger_mapping",
    LedgerSigns => "policy::ledger_signs",
    ImportFec => "policy::import_fec",
    ImportExists => "policy::import_exists",
    // bank import (docs/bank-import.md)
    BankFile => "policy::bank_file",
    BankLedger => "policy::bank_ledger",
    BankRecord => "policy::bank_record",
    StalePayments => "policy::stale_payments",
    TemplateLanguage => "policy::template_language",
    // analysis: conditions, routes, timeline (issue 4; docs/diagnostics.md "Analysis")
    NeverFires => "policy::never_fires",
    UnreachableStep => "policy::unreachable_step",
    OverlappingRoutes => "policy::overlapping_routes",
    RouteGap => "policy::route_gap",
    MissingNotice => "policy::missing_notice",
    NoticePeriod => "policy::notice_period",
    ContactFrequency => "policy::contact_frequency",
    Silenced => "policy::silenced",
    StaleAllow => "policy::stale_allow",
    AnalysisLimit => "policy::analysis_limit",
    // legal rules: FR, BE, LU, EU (issue 4; docs/diagnostics.md "Legal rules")
    UnknownDestination => "policy::unknown_destination",
    UnknownProcedure => "policy::unknown_procedure",
    ProcedureVenue => "policy::procedure_venue",
    CourtCompetence => "policy::court_competence",
    ProcedureLimit => "policy::procedure_limit",
    AmicableAttempt => "policy::amicable_attempt",
    ConsumerFreeReminder => "policy::consumer_free_reminder",
    ConsumerIndemnityCap => "policy::consumer_indemnity_cap",
    ConsumerInterestCap => "policy::consumer_interest_cap",
    PenaltyRateFloor => "policy::penalty_rate_floor",
    IndemnityClause => "policy::indemnity_clause",
    ConsumerRecoveryCosts => "policy::consumer_recovery_costs",
    StatutoryCharge => "policy::statutory_charge",
    IndemnityAboveStatutory => "policy::indemnity_above_statutory",
    GuarantorNotice => "policy::guarantor_notice",
    GuarantorInformation => "policy::guarantor_information",
    LimitationPeriod => "policy::limitation_period",
    InsolvencyStay => "policy::insolvency_stay",
    ProofOfClaimDeadline => "policy::proof_of_claim_deadline",
    BeforeDue => "policy::before_due",
    MandataireRecipient => "policy::mandataire_recipient",
    // fmt / watch
    FormatChangedMeaning => "policy::format_changed_meaning",
    WatchFailed => "policy::watch_failed",
    // journal, letters, money
    JournalAltered => "policy::journal_altered",
    JournalInterrupted => "policy::journal_interrupted",
    JournalLocked => "policy::journal_locked",
    JournalUncertain => "policy::journal_uncertain",
    JournalDuplicate => "policy::journal_duplicate",
    FaultInjected => "policy::fault_injected",
    WriteFailed => "policy::write_failed",
    OutputConflict => "policy::output_conflict",
    TemplateMissing => "policy::template_missing",
    TemplateError => "policy::template_error",
    FirmDetailsMissing => "policy::firm_details_missing",
    FirmDetailsInvalid => "policy::firm_details_invalid",
    AddressInvalid => "policy::address_invalid",
    RatesInvalid => "policy::rates_invalid",
    RateMissing => "policy::rate_missing",
    RateBeyondTable => "policy::rate_beyond_table",
    // run
    NoAddress => "policy::no_address",
    SmtpUnavailable => "policy::smtp_unavailable",
    Internal => "policy::internal",
    // dossier (issue 5; docs/diagnostics.md "Journal, letters and money")
    DossierUnknownId => "policy::dossier_unknown_id",
    DossierAmbiguousId => "policy::dossier_ambiguous_id",
    DossierNoJurisdiction => "policy::dossier_no_jurisdiction",
    DossierOutput => "policy::dossier_output",
    // policy diff (issue 6; docs/diagnostics.md "Editing workflow")
    GitMissing => "policy::git_missing",
    NotAGitRepository => "policy::not_a_git_repository",
    UnknownRevision => "policy::unknown_revision",
    NotInRevision => "policy::not_in_revision",
    GitFailed => "policy::git_failed",
    DiffCurrency => "policy::diff_currency",
    // hardening (issue 17) and run housekeeping (issue 11)
    ExpectHash => "policy::expect_hash",
    UnsafePath => "policy::unsafe_path",
    TemplatesOutside => "policy::templates_outside",
    BackdatedRun => "policy::backdated_run",
    // run: a template past its limits (issue 17; docs/diagnostics.md "Journal, letters and money")
    TemplateLimit => "policy::template_limit",
    // input bounds (issue 17 points 2, 10, 14; docs/diagnostics.md)
    AmountOverflow => "policy::amount_overflow",
    MoreProblems => "policy::more_problems",
    SameDayContacts => "policy::same_day_contacts",
    // policy lsp (issue 16; docs/diagnostics.md "Editor")
    LspProtocol => "policy::lsp_protocol",
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_namespaced() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(code.as_str().starts_with("policy::"), "{code}");
            assert!(seen.insert(code.as_str()), "duplicate {code}");
        }
    }

    #[test]
    fn parse_accepts_short_and_long_forms() {
        assert_eq!(Code::parse("unknown_template"), Some(Code::UnknownTemplate));
        assert_eq!(
            Code::parse("policy::unknown_template"),
            Some(Code::UnknownTemplate)
        );
        assert_eq!(Code::parse("nope"), None);
    }
}
