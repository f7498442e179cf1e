-- COPY as psql drives it: inline COPY FROM STDIN data, \copy from and to
-- files, COPY TO STDOUT in text and CSV with options, and the errors of bad
-- data with their CONTEXT lines. Run against LumaDB and PostgreSQL 15; the
-- output must be the same.
CREATE TABLE cp_t (id int PRIMARY KEY, name text, score double precision, ok boolean, d date, ts timestamp);
COPY cp_t FROM STDIN;
1	one	1.5	t	2024-01-31	2024-01-31 13:45:00
2	tab\there	-0.25	f	1999-12-31	1999-12-31 23:59:59.5
3	\N	\N	\N	\N	\N
4	back\\slash \\N	0	true	epoch	2000-02-29 00:00:00
5	newline\nand\rcr	1e10	no	0044-03-15 BC	infinity
\.
SELECT * FROM cp_t ORDER BY id;
COPY cp_t TO STDOUT;
COPY cp_t (name, id) TO STDOUT WITH (FORMAT csv, HEADER);
COPY cp_t TO STDOUT WITH (FORMAT csv, DELIMITER ';', NULL 'NULL', FORCE_QUOTE (name));
COPY (SELECT id, name FROM cp_t WHERE id < 3 ORDER BY id DESC) TO STDOUT WITH CSV HEADER;
COPY cp_t (id, name) FROM STDIN WITH (FORMAT csv);
10,"quoted, with comma"
11,"multi
line"
12,""
13,
14,"say ""hi"""
\.
SELECT id, name, name IS NULL AS is_null FROM cp_t WHERE id >= 10 ORDER BY id;
COPY cp_t (id, name) FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER '|', NULL 'none', QUOTE '''');
id|name
20|'a|b'
21|none
22|'none'
\.
SELECT id, name, name IS NULL AS is_null FROM cp_t WHERE id >= 20 ORDER BY id;
-- Bad data: each COPY fails as a whole, with the line and column it failed at.
COPY cp_t (id, name) FROM STDIN;
30	ok
31	extra	column
\.
COPY cp_t (id, name) FROM STDIN;
32
\.
COPY cp_t (id, name) FROM STDIN;
33	x
notanumber	y
\.
COPY cp_t (id, name) FROM STDIN;
1	duplicate
\.
COPY cp_t (id, d) FROM STDIN;
34	2024-02-30
\.
COPY cp_t (id, name) FROM STDIN WITH (FORMAT csv);
35,"never closed
\.
SELECT count(*) FROM cp_t WHERE id >= 30;
CREATE TABLE cp_nn (a int NOT NULL, b text);
COPY cp_nn FROM STDIN;
\N	x
\.
-- Options PostgreSQL refuses.
COPY cp_t FROM STDIN WITH (FORMAT xml);
COPY cp_t TO STDOUT WITH (DELIMITER 'ab');
COPY cp_t TO STDOUT WITH (QUOTE '"');
COPY cp_t TO STDOUT WITH (FORMAT csv, DELIMITER ',', QUOTE ',');
COPY cp_t TO STDOUT WITH (FORCE_QUOTE (name));
COPY cp_t (nope) TO STDOUT;
COPY cp_t (id, id) FROM STDIN;
COPY cp_nope FROM STDIN;
COPY cp_t FROM STDIN WITH (BOGUS true);
-- COPY inside a transaction block rolls back with it.
BEGIN;
COPY cp_nn FROM STDIN;
1	in block
\.
SELECT count(*) FROM cp_nn;
ROLLBACK;
SELECT count(*) FROM cp_nn;
-- \copy reads and writes files on the client side.
\copy cp_nn FROM 'cp_in.tsv'
\copy cp_nn TO 'cp_out.csv' WITH (FORMAT csv)
\copy (SELECT a FROM cp_nn ORDER BY a) TO 'cp_out2.txt'
SELECT * FROM cp_nn ORDER BY a;

DROP TABLE cp_t, cp_nn;
