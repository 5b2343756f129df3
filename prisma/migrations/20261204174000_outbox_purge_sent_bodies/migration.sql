-- Mails already delivered or abandoned give up their bodies (sign-in codes, registration and reset links); the
-- delivery job empties them from now on. Recipients, subject, keys, Message-ID and dates stay for the audit.
UPDATE "outbox_mail" SET "text" = '', "html" = NULL WHERE "status" IN ('SENT', 'FAILED') AND ("text" <> '' OR "html" IS NOT NULL);
