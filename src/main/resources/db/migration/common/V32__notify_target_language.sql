-- Merchant notifications in the owner's language (issue 21): Telegram and mail targets are written in the language
-- chosen for the target (the back office's language when it was created). Existing targets keep English, which is
-- what they sent so far. Webhooks carry JSON and ignore it.
ALTER TABLE notify_target ADD COLUMN language VARCHAR(8) DEFAULT 'en' NOT NULL;
