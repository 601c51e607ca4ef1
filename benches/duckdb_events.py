"""The benchmark's events computed by DuckDB with one SQL query.

Same book, same policy (benches/bench.policy), same window, same CSV columns
as `policy simulate --format csv`. Exact for books where an invoice has at
most one dispute (what examples/gen_ledger writes): the SQL moves a step by
that dispute's length, or drops it while the dispute is open.

    python3 benches/duckdb_events.py LEDGER DEBTORS FROM TO OUT.csv

Prints the number of events and the seconds the query took (DuckDB's import
and connection excluded).
"""
import sys
import time

import duckdb

ledger, debtors, start, end, out = sys.argv[1:6]

SQL = f"""
COPY (
WITH l AS (
  SELECT * FROM read_csv('{ledger}', header = true, auto_detect = false,
    columns = {{'date': 'DATE', 'type': 'VARCHAR', 'invoice': 'VARCHAR', 'debtor': 'VARCHAR',
               'amount': 'DECIMAL(18,2)', 'due': 'DATE'}})
),
d AS (
  SELECT id, guarantor IS NOT NULL AND guarantor <> '' AS guaranteed
  FROM read_csv('{debtors}', header = true, all_varchar = true)
),
inv AS (SELECT invoice, debtor, amount, due FROM l WHERE type = 'invoice'),
settled AS (
  SELECT invoice, date, amount FROM l WHERE type IN ('payment', 'credit_note')
),
disp AS (
  SELECT invoice, min(date) FILTER (WHERE type = 'dispute') AS d_start,
         min(date) FILTER (WHERE type = 'resolve') AS d_end
  FROM l WHERE type IN ('dispute', 'resolve') GROUP BY invoice
),
steps(step, days, action, target, channels, to_guarantor, charge, min_amount, max_amount) AS (
  VALUES (1, 15, 'send', 'relance_1', 'email', false, NULL, NULL, NULL),
         (2, 30, 'send', 'relance_2', 'email courrier', false, NULL, NULL, NULL),
         (3, 45, 'send', 'mise_en_demeure', 'recommandé', true, NULL, NULL, NULL),
         (4, 45, 'charge', 'indemnity', '', false, '40', NULL, NULL),
         (5, 60, 'route', 'tribunal_judiciaire', '', false, NULL, 15000, NULL),
         (6, 60, 'route', 'tribunal_proximite', '', false, NULL, NULL, 15000)
),
timed AS (
  SELECT i.invoice, i.debtor, i.amount, s.*,
    CASE
      WHEN p.d_start IS NULL OR p.d_start > i.due + s.days THEN i.due + s.days
      WHEN p.d_end IS NULL THEN NULL
      ELSE i.due + s.days + CAST(p.d_end - p.d_start AS INTEGER)
    END AS day
  FROM inv i CROSS JOIN steps s LEFT JOIN disp p USING (invoice)
),
due_steps AS (SELECT * FROM timed WHERE day IS NOT NULL AND day <= DATE '{end}'),
paid AS (
  SELECT t.invoice, t.step, sum(p.amount) AS paid
  FROM due_steps t JOIN settled p ON p.invoice = t.invoice AND p.date <= t.day
  GROUP BY t.invoice, t.step
),
balanced AS (
  SELECT t.*, t.amount - coalesce(paid.paid, 0) AS outstanding
  FROM due_steps t LEFT JOIN paid USING (invoice, step)
)
SELECT strftime(b.day, '%Y-%m-%d') AS date, b.invoice, b.debtor, b.step, b.action, b.target,
       b.channels,
       CASE WHEN b.action = 'send' AND b.to_guarantor AND d.guaranteed THEN 'debtor guarantor'
            WHEN b.action = 'send' THEN 'debtor' ELSE '' END AS recipients,
       CAST(b.outstanding AS VARCHAR) AS amount,
       coalesce(b.charge, '') AS charge
FROM balanced b JOIN d ON d.id = b.debtor
WHERE b.outstanding > 0 AND b.day >= DATE '{start}'
  AND (b.min_amount IS NULL OR b.outstanding >= b.min_amount)
  AND (b.max_amount IS NULL OR b.outstanding < b.max_amount)
ORDER BY b.day, b.invoice, b.step
) TO '{out}' (HEADER, DELIMITER ',')
"""

con = duckdb.connect()
started = time.perf_counter()
con.execute(SQL)
seconds = time.perf_counter() - started
count = con.execute(f"SELECT count(*) FROM read_csv('{out}', header = true, all_varchar = true)").fetchone()[0]
print(f"{count} {seconds:.3f}")
