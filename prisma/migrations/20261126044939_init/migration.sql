-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "AccountType" AS ENUM ('MED', 'PER', 'INT', 'ORG', 'APP');

-- CreateEnum
CREATE TYPE "AccountState" AS ENUM ('PREREGISTERED', 'PENDING_VALIDATION', 'VALIDATED', 'REJECTED');

-- CreateEnum
CREATE TYPE "PlatformRole" AS ENUM ('OPERATOR', 'SUPPORT');

-- CreateEnum
CREATE TYPE "StructureIdentifierType" AS ENUM ('FINESS', 'SIREN', 'SIRET');

-- CreateEnum
CREATE TYPE "PracticeStatus" AS ENUM ('ANY', 'LIBERAL', 'NON_LIBERAL');

-- CreateEnum
CREATE TYPE "PublicationStatus" AS ENUM ('PENDING', 'PUBLISHED', 'HELD', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "DirectoryAction" AS ENUM ('CREATE', 'UPDATE', 'DELETE');

-- CreateEnum
CREATE TYPE "EmailChangeStatus" AS ENUM ('PENDING', 'DONE', 'CANCELLED', 'FAILED');

-- CreateEnum
CREATE TYPE "OneTimeCodePurpose" AS ENUM ('LOGIN', 'PASSWORD_RESET', 'REGISTRATION');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- CreateEnum
CREATE TYPE "MessageDirection" AS ENUM ('SENT', 'RECEIVED');

-- CreateEnum
CREATE TYPE "ExportKind" AS ENUM ('ACTIVITY', 'USERS', 'INACTIVE_ACCOUNTS', 'LAST_REMINDER', 'FEED_REPORT');

-- CreateEnum
CREATE TYPE "FileFormat" AS ENUM ('CSV', 'XLS', 'XLSX', 'PDF');

-- CreateEnum
CREATE TYPE "BackgroundTaskStatus" AS ENUM ('PENDING', 'RUNNING', 'DONE', 'FAILED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('UPLOADED', 'DRY_RUN_DONE', 'APPLYING', 'APPLIED', 'FAILED');

-- CreateTable
CREATE TABLE "structure" (
    "id" UUID NOT NULL,
    "parent_id" UUID,
    "name" VARCHAR(200) NOT NULL,
    "kind" VARCHAR(100),
    "identifier_type" "StructureIdentifierType",
    "identifier" VARCHAR(14),
    "phone" VARCHAR(20),
    "address_line" VARCHAR(200),
    "postcode" VARCHAR(5),
    "city" VARCHAR(100),
    "city_insee_code" VARCHAR(5),
    "department_code" VARCHAR(3),
    "region_code" VARCHAR(3),
    "mss_domain" VARCHAR(253),
    "quota_per" INTEGER NOT NULL DEFAULT -1,
    "quota_org" INTEGER NOT NULL DEFAULT -1,
    "quota_app" INTEGER NOT NULL DEFAULT -1,
    "mss_admin_only" BOOLEAN NOT NULL DEFAULT false,
    "office365_quota" INTEGER,
    "notify_on_reception" BOOLEAN NOT NULL DEFAULT true,
    "notify_daily_digest" BOOLEAN NOT NULL DEFAULT false,
    "notify_connection_account" BOOLEAN NOT NULL DEFAULT true,
    "notify_on_opening" BOOLEAN NOT NULL DEFAULT false,
    "admin_notification_emails" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "structure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "structure_admin" (
    "structure_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "structure_admin_pkey" PRIMARY KEY ("structure_id","account_id")
);

-- CreateTable
CREATE TABLE "support_grant" (
    "structure_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "support_grant_pkey" PRIMARY KEY ("structure_id","account_id")
);

-- CreateTable
CREATE TABLE "enrolment_rule" (
    "id" UUID NOT NULL,
    "structure_id" UUID NOT NULL,
    "email_domain" VARCHAR(253),
    "region_code" VARCHAR(3),
    "department_code" VARCHAR(3),
    "postcode" VARCHAR(5),
    "city" VARCHAR(100),
    "profession" VARCHAR(10),
    "practice_status" "PracticeStatus" NOT NULL DEFAULT 'ANY',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "enrolment_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "account" (
    "id" UUID NOT NULL,
    "structure_id" UUID NOT NULL,
    "type" "AccountType" NOT NULL,
    "state" "AccountState" NOT NULL,
    "previous_state" "AccountState",
    "email" VARCHAR(254) NOT NULL,
    "last_name" VARCHAR(100) NOT NULL,
    "first_name" VARCHAR(100) NOT NULL,
    "profession" VARCHAR(10),
    "region_code" VARCHAR(3),
    "rpps" VARCHAR(11),
    "adeli" VARCHAR(9),
    "finess_site" VARCHAR(9),
    "phone" VARCHAR(20),
    "responsible_last_name" VARCHAR(100),
    "responsible_first_name" VARCHAR(100),
    "responsible_profession" VARCHAR(10),
    "responsible_national_id" VARCHAR(11),
    "description" VARCHAR(500),
    "return_address" VARCHAR(254),
    "address_line" VARCHAR(200),
    "postcode" VARCHAR(5),
    "city" VARCHAR(100),
    "unlisted" BOOLEAN NOT NULL DEFAULT false,
    "dematerialisation" BOOLEAN NOT NULL DEFAULT false,
    "notify_on_reception" BOOLEAN NOT NULL DEFAULT true,
    "notify_daily_digest" BOOLEAN NOT NULL DEFAULT false,
    "notify_on_opening" BOOLEAN NOT NULL DEFAULT false,
    "search_text" TEXT NOT NULL DEFAULT '',
    "password_hash" TEXT,
    "psc_subject" VARCHAR(64),
    "platform_role" "PlatformRole",
    "totp_secret" TEXT,
    "totp_enabled_at" TIMESTAMPTZ(3),
    "failed_login_count" INTEGER NOT NULL DEFAULT 0,
    "locked_at" TIMESTAMPTZ(3),
    "last_activity_at" TIMESTAMPTZ(3),
    "last_reminder_at" TIMESTAMPTZ(3),
    "inactivity_notice_at" TIMESTAMPTZ(3),
    "rejected_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connection_account" (
    "mailbox_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "reception_notification" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connection_account_pkey" PRIMARY KEY ("mailbox_id","account_id")
);

-- CreateTable
CREATE TABLE "delegation" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "delegate_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "delegation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "email_change_request" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "old_email" VARCHAR(254) NOT NULL,
    "new_email" VARCHAR(254) NOT NULL,
    "status" "EmailChangeStatus" NOT NULL DEFAULT 'PENDING',
    "failure_reason" TEXT,
    "requested_by_id" UUID,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "done_at" TIMESTAMPTZ(3),

    CONSTRAINT "email_change_request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reminder" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "batch_id" UUID,
    "sent_by_id" UUID,
    "sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reminder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mss_address" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "address" VARCHAR(254) NOT NULL,
    "listed" BOOLEAN NOT NULL DEFAULT true,
    "publication_status" "PublicationStatus" NOT NULL DEFAULT 'PENDING',
    "published_address" VARCHAR(254),
    "published_type" "AccountType",
    "published_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "mss_address_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "directory_publication" (
    "id" UUID NOT NULL,
    "run_date" DATE NOT NULL,
    "status" "BackgroundTaskStatus" NOT NULL DEFAULT 'RUNNING',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "deleted" INTEGER NOT NULL DEFAULT 0,
    "held" INTEGER NOT NULL DEFAULT 0,
    "feed_file" TEXT,

    CONSTRAINT "directory_publication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "directory_feed_entry" (
    "id" UUID NOT NULL,
    "publication_id" UUID NOT NULL,
    "action" "DirectoryAction" NOT NULL,
    "address" VARCHAR(254) NOT NULL,
    "account_id" UUID,
    "payload" JSONB,

    CONSTRAINT "directory_feed_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ref_professional" (
    "national_id" VARCHAR(12) NOT NULL,
    "id_type" VARCHAR(2) NOT NULL,
    "rpps" VARCHAR(11),
    "adeli" VARCHAR(9),
    "last_name" VARCHAR(100) NOT NULL,
    "first_name" VARCHAR(100) NOT NULL,
    "profession_code" VARCHAR(10),
    "category_code" VARCHAR(5),
    "is_current" BOOLEAN NOT NULL DEFAULT true,
    "imported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ref_professional_pkey" PRIMARY KEY ("national_id")
);

-- CreateTable
CREATE TABLE "ref_practice_place" (
    "id" UUID NOT NULL,
    "national_id" VARCHAR(12) NOT NULL,
    "structure_identifier" VARCHAR(14) NOT NULL,
    "finess_site" VARCHAR(9),
    "siret" VARCHAR(14),
    "name" VARCHAR(200),

    CONSTRAINT "ref_practice_place_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ref_structure" (
    "identifier" VARCHAR(14) NOT NULL,
    "identifier_type" "StructureIdentifierType" NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "finess_legal" VARCHAR(9),
    "siret" VARCHAR(14),
    "postcode" VARCHAR(5),
    "city" VARCHAR(100),
    "imported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ref_structure_pkey" PRIMARY KEY ("identifier")
);

-- CreateTable
CREATE TABLE "session" (
    "id" VARCHAR(64) NOT NULL,
    "account_id" UUID NOT NULL,
    "csrf_token" VARCHAR(64) NOT NULL,
    "mfa_passed" BOOLEAN NOT NULL DEFAULT false,
    "ip" VARCHAR(45),
    "user_agent" VARCHAR(300),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "one_time_code" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "purpose" "OneTimeCodePurpose" NOT NULL,
    "code_hash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "consumed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "one_time_code_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "recovery_code" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "code_hash" TEXT NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "recovery_code_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_limit_counter" (
    "key" VARCHAR(200) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rate_limit_counter_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_label" VARCHAR(254) NOT NULL,
    "action" VARCHAR(100) NOT NULL,
    "entity_type" VARCHAR(50) NOT NULL,
    "entity_id" VARCHAR(100),
    "structure_id" UUID,
    "before" JSONB,
    "after" JSONB,
    "ip" VARCHAR(45),
    "request_id" VARCHAR(64),

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_mail" (
    "id" UUID NOT NULL,
    "idempotency_key" VARCHAR(200) NOT NULL,
    "to" TEXT[],
    "subject" VARCHAR(300) NOT NULL,
    "text" TEXT NOT NULL,
    "html" TEXT,
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "message_id" VARCHAR(300),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_mail_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_run" (
    "id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "status" "BackgroundTaskStatus" NOT NULL DEFAULT 'RUNNING',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "processed" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "job_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "message" (
    "id" BIGSERIAL NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "structure_id" UUID NOT NULL,
    "address" VARCHAR(254) NOT NULL,
    "direction" "MessageDirection" NOT NULL,
    "sender" VARCHAR(254) NOT NULL,
    "recipients" TEXT[],
    "size_bytes" INTEGER NOT NULL,
    "is_mss" BOOLEAN NOT NULL,

    CONSTRAINT "message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "export_request" (
    "id" UUID NOT NULL,
    "kind" "ExportKind" NOT NULL,
    "format" "FileFormat" NOT NULL,
    "structure_id" UUID NOT NULL,
    "requested_by_id" UUID NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "status" "BackgroundTaskStatus" NOT NULL DEFAULT 'PENDING',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "row_count" INTEGER,
    "file_path" TEXT,
    "error" TEXT,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "export_request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "import_job" (
    "id" UUID NOT NULL,
    "structure_id" UUID NOT NULL,
    "requested_by_id" UUID NOT NULL,
    "file_name" VARCHAR(255) NOT NULL,
    "file_path" TEXT NOT NULL,
    "format" "FileFormat" NOT NULL,
    "notify_users" BOOLEAN NOT NULL DEFAULT false,
    "status" "ImportStatus" NOT NULL DEFAULT 'UPLOADED',
    "total_rows" INTEGER NOT NULL DEFAULT 0,
    "applied_rows" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "report" JSONB,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "applied_at" TIMESTAMPTZ(3),

    CONSTRAINT "import_job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "structure_mss_domain_key" ON "structure"("mss_domain");

-- CreateIndex
CREATE INDEX "structure_parent_id_idx" ON "structure"("parent_id");

-- CreateIndex
CREATE INDEX "structure_name_idx" ON "structure"("name");

-- CreateIndex
CREATE INDEX "structure_admin_account_id_idx" ON "structure_admin"("account_id");

-- CreateIndex
CREATE INDEX "support_grant_account_id_idx" ON "support_grant"("account_id");

-- CreateIndex
CREATE INDEX "enrolment_rule_structure_id_idx" ON "enrolment_rule"("structure_id");

-- CreateIndex
CREATE INDEX "enrolment_rule_email_domain_idx" ON "enrolment_rule"("email_domain");

-- CreateIndex
CREATE UNIQUE INDEX "account_email_key" ON "account"("email");

-- CreateIndex
CREATE UNIQUE INDEX "account_psc_subject_key" ON "account"("psc_subject");

-- CreateIndex
CREATE INDEX "account_structure_id_state_last_name_first_name_id_idx" ON "account"("structure_id", "state", "last_name", "first_name", "id");

-- CreateIndex
CREATE INDEX "account_structure_id_type_state_idx" ON "account"("structure_id", "type", "state");

-- CreateIndex
CREATE INDEX "account_state_rejected_at_idx" ON "account"("state", "rejected_at");

-- CreateIndex
CREATE INDEX "account_last_activity_at_idx" ON "account"("last_activity_at");

-- CreateIndex
CREATE INDEX "account_rpps_idx" ON "account"("rpps");

-- CreateIndex
CREATE INDEX "account_adeli_idx" ON "account"("adeli");

-- CreateIndex
CREATE INDEX "account_last_name_idx" ON "account"("last_name");

-- CreateIndex
CREATE INDEX "connection_account_account_id_idx" ON "connection_account"("account_id");

-- CreateIndex
CREATE INDEX "delegation_delegate_id_idx" ON "delegation"("delegate_id");

-- CreateIndex
CREATE UNIQUE INDEX "delegation_account_id_delegate_id_key" ON "delegation"("account_id", "delegate_id");

-- CreateIndex
CREATE INDEX "email_change_request_account_id_status_idx" ON "email_change_request"("account_id", "status");

-- CreateIndex
CREATE INDEX "email_change_request_status_requested_at_idx" ON "email_change_request"("status", "requested_at");

-- CreateIndex
CREATE INDEX "reminder_account_id_sent_at_idx" ON "reminder"("account_id", "sent_at");

-- CreateIndex
CREATE INDEX "reminder_batch_id_idx" ON "reminder"("batch_id");

-- CreateIndex
CREATE UNIQUE INDEX "mss_address_account_id_key" ON "mss_address"("account_id");

-- CreateIndex
CREATE UNIQUE INDEX "mss_address_address_key" ON "mss_address"("address");

-- CreateIndex
CREATE INDEX "mss_address_publication_status_idx" ON "mss_address"("publication_status");

-- CreateIndex
CREATE UNIQUE INDEX "directory_publication_run_date_key" ON "directory_publication"("run_date");

-- CreateIndex
CREATE INDEX "directory_feed_entry_address_idx" ON "directory_feed_entry"("address");

-- CreateIndex
CREATE UNIQUE INDEX "directory_feed_entry_publication_id_action_address_key" ON "directory_feed_entry"("publication_id", "action", "address");

-- CreateIndex
CREATE INDEX "ref_professional_rpps_idx" ON "ref_professional"("rpps");

-- CreateIndex
CREATE INDEX "ref_professional_adeli_idx" ON "ref_professional"("adeli");

-- CreateIndex
CREATE INDEX "ref_practice_place_structure_identifier_idx" ON "ref_practice_place"("structure_identifier");

-- CreateIndex
CREATE INDEX "ref_practice_place_finess_site_idx" ON "ref_practice_place"("finess_site");

-- CreateIndex
CREATE UNIQUE INDEX "ref_practice_place_national_id_structure_identifier_key" ON "ref_practice_place"("national_id", "structure_identifier");

-- CreateIndex
CREATE INDEX "ref_structure_siret_idx" ON "ref_structure"("siret");

-- CreateIndex
CREATE INDEX "session_account_id_idx" ON "session"("account_id");

-- CreateIndex
CREATE INDEX "session_expires_at_idx" ON "session"("expires_at");

-- CreateIndex
CREATE INDEX "one_time_code_account_id_purpose_created_at_idx" ON "one_time_code"("account_id", "purpose", "created_at");

-- CreateIndex
CREATE INDEX "recovery_code_account_id_idx" ON "recovery_code"("account_id");

-- CreateIndex
CREATE INDEX "rate_limit_counter_expires_at_idx" ON "rate_limit_counter"("expires_at");

-- CreateIndex
CREATE INDEX "audit_event_structure_id_at_idx" ON "audit_event"("structure_id", "at");

-- CreateIndex
CREATE INDEX "audit_event_entity_type_entity_id_idx" ON "audit_event"("entity_type", "entity_id");

-- CreateIndex
CREATE INDEX "audit_event_actor_id_at_idx" ON "audit_event"("actor_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_mail_idempotency_key_key" ON "outbox_mail"("idempotency_key");

-- CreateIndex
CREATE INDEX "outbox_mail_status_next_attempt_at_idx" ON "outbox_mail"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "job_run_name_started_at_idx" ON "job_run"("name", "started_at");

-- CreateIndex
CREATE INDEX "message_structure_id_sent_at_idx" ON "message"("structure_id", "sent_at" DESC);

-- CreateIndex
CREATE INDEX "message_address_sent_at_idx" ON "message"("address", "sent_at" DESC);

-- CreateIndex
CREATE INDEX "export_request_structure_id_requested_at_idx" ON "export_request"("structure_id", "requested_at");

-- CreateIndex
CREATE INDEX "export_request_requested_by_id_status_idx" ON "export_request"("requested_by_id", "status");

-- CreateIndex
CREATE INDEX "export_request_status_expires_at_idx" ON "export_request"("status", "expires_at");

-- CreateIndex
CREATE INDEX "import_job_structure_id_created_at_idx" ON "import_job"("structure_id", "created_at");

-- AddForeignKey
ALTER TABLE "structure" ADD CONSTRAINT "structure_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "structure"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "structure_admin" ADD CONSTRAINT "structure_admin_structure_id_fkey" FOREIGN KEY ("structure_id") REFERENCES "structure"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "structure_admin" ADD CONSTRAINT "structure_admin_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "support_grant" ADD CONSTRAINT "support_grant_structure_id_fkey" FOREIGN KEY ("structure_id") REFERENCES "structure"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "support_grant" ADD CONSTRAINT "support_grant_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrolment_rule" ADD CONSTRAINT "enrolment_rule_structure_id_fkey" FOREIGN KEY ("structure_id") REFERENCES "structure"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account" ADD CONSTRAINT "account_structure_id_fkey" FOREIGN KEY ("structure_id") REFERENCES "structure"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_account" ADD CONSTRAINT "connection_account_mailbox_id_fkey" FOREIGN KEY ("mailbox_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connection_account" ADD CONSTRAINT "connection_account_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delegation" ADD CONSTRAINT "delegation_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delegation" ADD CONSTRAINT "delegation_delegate_id_fkey" FOREIGN KEY ("delegate_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "email_change_request" ADD CONSTRAINT "email_change_request_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reminder" ADD CONSTRAINT "reminder_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mss_address" ADD CONSTRAINT "mss_address_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "directory_feed_entry" ADD CONSTRAINT "directory_feed_entry_publication_id_fkey" FOREIGN KEY ("publication_id") REFERENCES "directory_publication"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ref_practice_place" ADD CONSTRAINT "ref_practice_place_national_id_fkey" FOREIGN KEY ("national_id") REFERENCES "ref_professional"("national_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "one_time_code" ADD CONSTRAINT "one_time_code_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recovery_code" ADD CONSTRAINT "recovery_code_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "message" ADD CONSTRAINT "message_structure_id_fkey" FOREIGN KEY ("structure_id") REFERENCES "structure"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "export_request" ADD CONSTRAINT "export_request_structure_id_fkey" FOREIGN KEY ("structure_id") REFERENCES "structure"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "import_job" ADD CONSTRAINT "import_job_structure_id_fkey" FOREIGN KEY ("structure_id") REFERENCES "structure"("id") ON DELETE CASCADE ON UPDATE CASCADE;
