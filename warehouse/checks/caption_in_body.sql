-- caption_in_body: photo captions are kept out of article bodies; a row here is a caption longer
-- than 20 characters whose text also stands in its article's body (the caption leaked into the text).
SELECT captions.article_id, captions.position, captions.text
FROM night_captions AS captions
JOIN night_articles AS articles USING (article_id)
WHERE length(captions.text) > 20
  AND contains(articles.body, captions.text)
