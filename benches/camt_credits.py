#!/usr/bin/env python3
"""Writes a camt.053.001.02 statement of N credits against a generated book
(examples/gen_ledger), for the bank import benchmark (docs/performance.md):

    python3 benches/camt_credits.py BOOK_DIR N > statement.xml

The credits pay invoices of the book picked at random (seed 1), as a bank
exports them: 40 % single entries with an ISO 11649 RF reference in
RmtInf/Strd/CdtrRefInf (the reference `policy` prints on its letters),
30 % single entries naming the invoice number in Ustrd text, 20 % in batched
entries of five transactions (NtryDtls/Btch, one TxDtls each, with its own
amount and reference), 10 % with no reference (to review)."""

import csv
import random
import sys


def rf(invoice):
    body = "".join(c for c in invoice.upper() if c.isalnum())
    digits = "".join(str(int(c, 36)) for c in body + "RF00")
    return "RF%02d%s" % (98 - int(digits) % 97, body)


def main():
    book, count = sys.argv[1], int(sys.argv[2])
    invoices = []
    with open(book + "/ledger.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["type"] == "invoice":
                invoices.append((row["invoice"], row["amount"]))
    rng = random.Random(1)
    out = sys.stdout
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">\n')
    out.write("  <BkToCstmrStmt>\n    <GrpHdr>\n      <MsgId>BENCH</MsgId>\n")
    out.write("      <CreDtTm>2026-11-20T18:00:00</CreDtTm>\n    </GrpHdr>\n")
    out.write("    <Stmt>\n      <Id>BENCH-1</Id>\n      <CreDtTm>2026-11-20T18:00:00</CreDtTm>\n")
    out.write("      <FrToDt>\n        <FrDtTm>2026-11-20T00:00:00</FrDtTm>\n")
    out.write("        <ToDtTm>2026-11-20T23:59:59</ToDtTm>\n      </FrToDt>\n")
    out.write("      <Acct>\n        <Id>\n          <IBAN>LU280019400644750000</IBAN>\n")
    out.write("        </Id>\n      </Acct>\n")

    def tx(number, amount, reference, text, own_amount, ref):
        parts = ["          <TxDtls>\n"]
        parts.append("            <Refs>\n              <AcctSvcrRef>%s</AcctSvcrRef>\n            </Refs>\n" % ref)
        if own_amount:
            parts.append('            <AmtDtls>\n              <TxAmt>\n                <Amt Ccy="EUR">%s</Amt>\n              </TxAmt>\n            </AmtDtls>\n' % amount)
        parts.append("            <RltdPties>\n              <Dbtr>\n                <Nm>Client %s</Nm>\n              </Dbtr>\n            </RltdPties>\n" % number)
        parts.append("            <RmtInf>\n")
        if reference:
            parts.append("              <Strd>\n                <CdtrRefInf>\n                  <Ref>%s</Ref>\n                </CdtrRefInf>\n              </Strd>\n" % reference)
        else:
            parts.append("              <Ustrd>%s</Ustrd>\n" % text)
        parts.append("            </RmtInf>\n          </TxDtls>\n")
        return "".join(parts)

    def entry(total, txs, key):
        out.write('      <Ntry>\n        <Amt Ccy="EUR">%s</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>\n' % total)
        out.write("        <Sts>BOOK</Sts>\n        <BookgDt>\n          <Dt>2026-11-20</Dt>\n        </BookgDt>\n")
        out.write("        <AcctSvcrRef>%s</AcctSvcrRef>\n        <NtryDtls>\n" % key)
        if len(txs) > 1:
            out.write("          <Btch>\n            <NbOfTxs>%d</NbOfTxs>\n          </Btch>\n" % len(txs))
        out.write("".join(txs))
        out.write("        </NtryDtls>\n      </Ntry>\n")

    made = 0
    seq = 0
    while made < count:
        seq += 1
        kind = rng.random()
        if kind < 0.2 and count - made >= 5:
            picks = [rng.choice(invoices) for _ in range(5)]
            txs = [tx(n, a, rf(n), "", True, "B%08d-%d" % (seq, i)) for i, (n, a) in enumerate(picks)]
            total = "%.2f" % sum(float(a) for _, a in picks)
            entry(total, txs, "B%08d" % seq)
            made += 5
            continue
        number, amount = rng.choice(invoices)
        if kind < 0.6:
            txs = [tx(number, amount, rf(number), "", False, "S%08d" % seq)]
        elif kind < 0.9:
            txs = [tx(number, amount, None, "Facture %s merci" % number, False, "S%08d" % seq)]
        else:
            txs = [tx(number, amount, None, "Virement divers", False, "S%08d" % seq)]
        entry(amount, txs, "S%08d" % seq)
        made += 1
    out.write("    </Stmt>\n  </BkToCstmrStmt>\n</Document>\n")


if __name__ == "__main__":
    main()
