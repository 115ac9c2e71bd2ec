-- search_articles: one row per story (or per article with all_copies := true) matching an analyst's
-- query, best first. Formatted by warehouse.search.search_macro(); braces are its placeholders.
CREATE OR REPLACE MACRO search_articles(
    query, site := NULL, province := NULL, date_from := NULL, date_to := NULL,
    all_copies := false, max_results := 100
) AS TABLE
WITH
-- The parameters, bound once here where no table's columns can shadow them.
wanted AS (
    SELECT query AS query_text, site AS wanted_site, province AS wanted_province,
           CAST(date_from AS DATE) AS first_day, CAST(date_to AS DATE) AS last_day,
           coalesce(CAST(all_copies AS BOOLEAN), false) AS every_copy,
           coalesce(CAST(max_results AS INTEGER), 100) AS result_limit
),
-- Query items: words, "quoted phrases", OR, and either of the first two with a leading minus.
items AS (
    SELECT unnest(pieces) AS item, unnest(range(1, len(pieces) + 1)) AS position
    FROM (SELECT regexp_extract_all(coalesce(query_text, ''), '-?"[^"]*"|\S+') AS pieces FROM wanted)
),
classified AS (
    SELECT position,
           item = 'OR' AS is_or,
           starts_with(item, '-') AND length(item) > 1 AS excluded,
           search_words(item) AS words,
           coalesce(lag(item = 'OR') OVER (ORDER BY position), false) AS after_or
    FROM items
),
-- An atom is one word or phrase; a clause is a run of atoms joined by OR, and every clause is required.
atoms AS (
    SELECT position AS atom, excluded, words,
           sum(CASE WHEN NOT excluded AND NOT after_or THEN 1 ELSE 0 END) OVER (ORDER BY position) AS clause,
           ' ' || array_to_string(words, ' ') || ' ' AS phrase,
           list_bool_or(list_transform(words, lambda w: w = accent_fold(w))) AS folds
    FROM classified
    WHERE NOT is_or AND len(words) > 0
),
clauses AS (SELECT count(DISTINCT clause) AS required FROM atoms WHERE NOT excluded),
atom_words AS (
    SELECT atom, excluded, clause, len(words) AS atom_length,
           unnest(words) AS word, unnest(range(1, len(words) + 1)) AS word_position
    FROM atoms
),
-- A word typed without accents also matches the words it is the folded form of.
matching_terms AS (
    SELECT atom_words.*, search_terms.term,
           CASE WHEN search_terms.term = atom_words.word THEN 1.0 ELSE {folded_match} END AS closeness
    FROM atom_words
    JOIN search_terms
      ON search_terms.term = atom_words.word
      OR (atom_words.word = accent_fold(atom_words.word) AND search_terms.folded = atom_words.word)
),
statistics AS (
    SELECT count(*) AS documents, coalesce(avg(length), 1) AS average_length FROM search_documents
),
term_postings AS (
    SELECT matching_terms.atom, matching_terms.word_position, matching_terms.closeness,
           search_postings.doc, search_postings.weight, search_postings.fields,
           count(*) OVER (PARTITION BY matching_terms.atom, matching_terms.word_position, search_postings.term)
               AS document_frequency
    FROM matching_terms
    JOIN search_postings ON search_postings.term = matching_terms.term
),
-- BM25 per query word and document; a word matched by several accented forms counts its best.
word_scores AS (
    SELECT term_postings.atom, term_postings.word_position, term_postings.doc,
           max(term_postings.closeness
               * ln(1 + (statistics.documents - term_postings.document_frequency + 0.5)
                        / (term_postings.document_frequency + 0.5))
               * term_postings.weight * ({k1} + 1)
               / (term_postings.weight
                  + {k1} * (1 - {b} + {b} * search_documents.length / statistics.average_length))) AS score,
           bit_or(term_postings.fields) AS fields
    FROM term_postings
    JOIN search_documents USING (doc)
    CROSS JOIN statistics
    GROUP BY ALL
),
atom_candidates AS (
    SELECT word_scores.atom, word_scores.doc, sum(word_scores.score) AS score,
           bit_and(word_scores.fields) AS fields_all, bit_or(word_scores.fields) AS fields_any
    FROM word_scores
    JOIN atoms USING (atom)
    GROUP BY word_scores.atom, word_scores.doc, atoms.words
    HAVING count(*) = len(atoms.words)
),
-- A phrase (quoted, or a word the tokenizer cut in several, as COVID-19) must stand as such.
-- Texts are read only for phrases: a join with nothing to look for does not read them.
atom_matches AS (
    SELECT atom_candidates.*, atoms.clause, atoms.excluded
    FROM atom_candidates JOIN atoms USING (atom)
    WHERE len(atoms.words) = 1
    UNION ALL
    SELECT phrase_candidates.*, atoms.clause, atoms.excluded
    FROM (SELECT * FROM atom_candidates WHERE atom IN (SELECT atom FROM atoms WHERE len(words) > 1)) AS phrase_candidates
    JOIN atoms USING (atom)
    JOIN search_documents USING (doc)
    WHERE contains(search_documents.title_words, atoms.phrase)
       OR contains(search_documents.text_words, atoms.phrase)
       OR (atoms.folds AND (contains(search_documents.title_folded, accent_fold(atoms.phrase))
                            OR contains(search_documents.text_folded, accent_fold(atoms.phrase))))
),
matched_documents AS (
    SELECT doc, sum(score) AS score, bit_and(fields_all) AS fields_all, bit_or(fields_any) AS fields_any
    FROM (
        SELECT doc, clause, max(score) AS score, bit_or(fields_all) AS fields_all, bit_or(fields_any) AS fields_any
        FROM atom_matches WHERE NOT excluded GROUP BY doc, clause
    )
    GROUP BY doc
    HAVING count(*) = (SELECT required FROM clauses)
),
kept_documents AS (
    SELECT * FROM matched_documents
    WHERE doc NOT IN (SELECT doc FROM atom_matches WHERE excluded)
),
-- The whole query as one phrase, when it has two words or more and no OR.
whole AS (
    SELECT ' ' || array_to_string(flatten(list(words ORDER BY atom)), ' ') || ' ' AS phrase,
           len(flatten(list(words))) AS length,
           len(flatten(list(words))) > 1 AND NOT EXISTS (SELECT 1 FROM classified WHERE is_or) AS applies,
           coalesce(bool_or(folds), false) AS folds
    FROM atoms WHERE NOT excluded
),
-- The best candidates by BM25, looked at for the whole query as a phrase when it has two words.
bonus_candidates AS (
    SELECT kept_documents.doc FROM kept_documents CROSS JOIN whole
    WHERE whole.applies
    ORDER BY kept_documents.score DESC
    LIMIT {phrase_bonus_candidates}
),
-- Where the phrase stands in the text is kept: it is where the snippet goes.
exact_phrases AS (
    SELECT doc, contains(title_words, whole.phrase) AS in_title,
           instr(text_words, whole.phrase) AS place,
           length(substr(text_words, 1, instr(text_words, whole.phrase)))
               - length(replace(substr(text_words, 1, instr(text_words, whole.phrase)), ' ', '')) AS word
    FROM bonus_candidates
    JOIN search_documents USING (doc)
    CROSS JOIN whole
),
-- Without accents only for a query with a word typed without them, and where the phrase is not as typed.
folded_phrases AS (
    SELECT unplaced.doc
    FROM (
        SELECT doc, title_folded, text_folded FROM search_documents
        WHERE doc IN (SELECT doc FROM exact_phrases WHERE place = 0 AND NOT in_title)
    ) AS unplaced
    CROSS JOIN whole
    WHERE whole.folds
      AND (contains(unplaced.title_folded, accent_fold(whole.phrase))
           OR contains(unplaced.text_folded, accent_fold(whole.phrase)))
),
bonuses AS (
    SELECT doc, {phrase_bonus} AS bonus FROM exact_phrases WHERE place > 0 OR in_title
    UNION ALL
    SELECT doc, {folded_phrase_bonus} AS bonus FROM folded_phrases
),
ranked_documents AS (
    SELECT kept_documents.doc, search_documents.article_id,
           kept_documents.score * coalesce(bonuses.bonus, 1.0) AS score,
           CASE WHEN kept_documents.fields_all > 0 THEN kept_documents.fields_all ELSE kept_documents.fields_any END
               AS fields
    FROM kept_documents
    JOIN search_documents USING (doc)
    LEFT JOIN bonuses USING (doc)
),
hits AS (
    SELECT coalesce(articles.duplicate_of, articles.article_id) AS story_id,
           articles.article_id, articles.site, sources.province, articles.published_at,
           ranked_documents.score, ranked_documents.fields, ranked_documents.doc
    FROM ranked_documents
    JOIN articles USING (article_id)
    LEFT JOIN sources ON sources.site = articles.site
    CROSS JOIN wanted
    WHERE (wanted.wanted_site IS NULL OR articles.site = wanted.wanted_site)
      AND (wanted.wanted_province IS NULL
           OR accent_fold(lower(sources.province)) = accent_fold(lower(wanted.wanted_province)))
      AND (wanted.first_day IS NULL
           OR CAST(timezone('Asia/Ho_Chi_Minh', articles.published_at) AS DATE) >= wanted.first_day)
      AND (wanted.last_day IS NULL
           OR CAST(timezone('Asia/Ho_Chi_Minh', articles.published_at) AS DATE) <= wanted.last_day)
),
-- One row per story: its best-scoring copy (the original on a tie), with how many copies matched.
stories AS (
    SELECT story_id, count(*) AS copies,
           arg_max(article_id, [score, CASE WHEN article_id = story_id THEN 1 ELSE 0 END]) AS best_article
    FROM hits
    GROUP BY story_id
),
chosen AS (
    SELECT hits.*, stories.copies
    FROM hits JOIN stories USING (story_id) CROSS JOIN wanted
    WHERE wanted.every_copy OR hits.article_id = stories.best_article
    ORDER BY hits.score DESC, hits.published_at DESC NULLS LAST, hits.article_id
    LIMIT (SELECT result_limit FROM wanted)
),
-- Addresses and titles for the results only.
results AS (
    SELECT chosen.*, articles.url, articles.title FROM chosen JOIN articles USING (article_id)
),
-- Snippets, for the results only: where in the text the whole phrase stands, else the first
-- phrase or word that does, exactly and then without accents; marked «…», cut at words.
needles AS (
    SELECT flatten([
        CASE WHEN (SELECT applies FROM whole) THEN [(SELECT phrase FROM whole)] ELSE [] END,
        coalesce(list(phrase ORDER BY atom) FILTER (WHERE NOT excluded), []),
        coalesce(list(' ' || word || ' ' ORDER BY atom, word_position) FILTER (WHERE NOT excluded), [])
    ]) AS needles
    FROM atoms JOIN atom_words USING (atom, excluded, clause)
),
texts AS (
    SELECT results.*, search_documents.word_offsets,
           array_to_string(list_filter(
               [articles.lead, articles.body] || coalesce(caption_texts.texts, []), lambda part: part <> ''
           ), chr(10) || chr(10)) AS text
    FROM results
    JOIN search_documents ON search_documents.doc = results.doc
    JOIN articles ON articles.article_id = results.article_id
    LEFT JOIN (
        SELECT article_id, list(text ORDER BY position) AS texts FROM captions
        WHERE article_id IN (SELECT article_id FROM results)
        GROUP BY article_id
    ) AS caption_texts ON caption_texts.article_id = results.article_id
),
needle_list AS (
    SELECT unnest(needles) AS needle, unnest(range(1, len(needles) + 1)) AS priority FROM needles
),
-- The needles' places as [first word, words], for the results whose whole phrase was not placed above.
known_places AS (
    SELECT doc, [word, (SELECT length FROM whole)] AS found FROM exact_phrases
    WHERE place > 0 AND doc IN (SELECT doc FROM results)
),
exact_places AS (
    SELECT doc, arg_min([word, len(string_split(trim(needle), ' '))], priority) AS found
    FROM (
        SELECT unplaced.doc, needle_list.needle, needle_list.priority,
               instr(unplaced.text_words, needle_list.needle) AS place,
               length(substr(unplaced.text_words, 1, instr(unplaced.text_words, needle_list.needle)))
                   - length(replace(substr(unplaced.text_words, 1, instr(unplaced.text_words, needle_list.needle)), ' ', ''))
                   AS word
        FROM (
            SELECT doc, text_words FROM search_documents
            WHERE doc IN (SELECT doc FROM results WHERE doc NOT IN (SELECT doc FROM known_places))
        ) AS unplaced
        CROSS JOIN needle_list
    )
    WHERE place > 0
    GROUP BY doc
),
-- Without accents only where no needle stands as typed.
folded_places AS (
    SELECT doc, arg_min([word, len(string_split(trim(needle), ' '))], priority) AS found
    FROM (
        SELECT unfound.doc, needle_list.needle, needle_list.priority,
               instr(unfound.text_folded, accent_fold(needle_list.needle)) AS place,
               length(substr(unfound.text_folded, 1, instr(unfound.text_folded, accent_fold(needle_list.needle))))
                   - length(replace(substr(unfound.text_folded, 1, instr(unfound.text_folded, accent_fold(needle_list.needle))), ' ', ''))
                   AS word
        FROM (
            SELECT doc, text_folded FROM search_documents
            WHERE doc IN (
                SELECT doc FROM results
                WHERE doc NOT IN (SELECT doc FROM known_places) AND doc NOT IN (SELECT doc FROM exact_places)
            )
        ) AS unfound
        CROSS JOIN needle_list
    )
    WHERE place > 0
    GROUP BY doc
),
placed AS (
    SELECT texts.*, coalesce(known_places.found, exact_places.found, folded_places.found) AS found
    FROM texts
    LEFT JOIN known_places ON known_places.doc = texts.doc
    LEFT JOIN exact_places ON exact_places.doc = texts.doc
    LEFT JOIN folded_places ON folded_places.doc = texts.doc
),
-- Word numbers from 1: the match's first word, and the window's first word, on a kept offset.
windowed AS (
    SELECT placed.*, match_start, match_words,
           (greatest(1, match_start - {before}) - 1) // {offset_every} AS offset_index
    FROM placed,
    LATERAL (
        SELECT coalesce(found[1], 0) AS match_start,
               coalesce(found[2], 0) AS match_words
    )
),
-- The text from that offset on, cut into words and what stands between them.
cut AS (
    SELECT windowed.*,
           offset_index * {offset_every} AS words_before,
           regexp_extract_all(window_text, '{text_word}') AS all_words,
           regexp_split_to_array(window_text, '{text_word}') AS all_separators,
           cut_at + {window} >= length(text) AS reaches_end
    FROM windowed,
    -- From the text's start for the first words, so that what stands before the first word shows.
    LATERAL (SELECT CASE WHEN offset_index = 0 THEN 0 ELSE coalesce(word_offsets[offset_index + 1], 0) END AS cut_at),
    LATERAL (SELECT substr(text, cut_at + 1, {window}) AS window_text)
),
bounded AS (
    SELECT cut.*,
           greatest(1, match_start - {before}) - words_before AS first_word,
           -- A window that stops inside the text may stop inside a word: its last word is left out.
           least(len(all_words) - CASE WHEN reaches_end THEN 0 ELSE 1 END,
                 greatest(match_start + match_words - 1, 1) + {after} - words_before) AS last_word,
           match_start - words_before AS window_match
    FROM cut
),
sliced AS (
    SELECT bounded.*,
           reaches_end AND last_word >= len(all_words) AS shows_end,
           list_transform(
               list_zip(list_slice(all_words, first_word, last_word), list_slice(all_separators, first_word + 1, last_word + 1)),
               lambda piece, k: CASE WHEN first_word + k - 1 = window_match THEN '«' ELSE '' END
                   || piece[1]
                   || CASE WHEN first_word + k - 1 = window_match + match_words - 1 THEN '»' ELSE '' END
                   || CASE WHEN first_word + k - 1 < last_word OR (reaches_end AND last_word >= len(all_words))
                           THEN coalesce(piece[2], '') ELSE '' END
           ) AS pieces
    FROM bounded
)
SELECT story_id, article_id, url, sliced.site AS site, sliced.province AS province, published_at, title,
       round(score, 4) AS score,
       list_filter([
           CASE WHEN fields & 1 <> 0 THEN 'title' END, CASE WHEN fields & 2 <> 0 THEN 'lead' END,
           CASE WHEN fields & 4 <> 0 THEN 'body' END, CASE WHEN fields & 8 <> 0 THEN 'caption' END
       ], lambda field: field IS NOT NULL) AS matched_in,
       copies,
       trim(regexp_replace(
           CASE WHEN first_word + words_before > 1 THEN '…' ELSE coalesce(all_separators[1], '') END
           || regexp_replace(array_to_string(pieces, ''), '[{invisible}]', '', 'g')
           || CASE WHEN shows_end THEN '' ELSE '…' END,
           '\s+', ' ', 'g')) AS snippet
FROM sliced
ORDER BY score DESC, published_at DESC NULLS LAST, article_id
