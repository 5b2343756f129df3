-- AlterTable
ALTER TABLE "import_job" DROP COLUMN "file_path",
ADD COLUMN     "applied_by_id" UUID,
ADD COLUMN     "content" BYTEA,
ADD COLUMN     "file_size" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "import_row_error" (
    "id" BIGSERIAL NOT NULL,
    "import_id" UUID NOT NULL,
    "at_apply" BOOLEAN NOT NULL DEFAULT false,
    "line" INTEGER NOT NULL,
    "column" VARCHAR(100),
    "value" VARCHAR(200),
    "reason" VARCHAR(500) NOT NULL,

    CONSTRAINT "import_row_error_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "import_row_error_import_id_at_apply_id_idx" ON "import_row_error"("import_id", "at_apply", "id");

-- CreateIndex
CREATE INDEX "import_job_status_idx" ON "import_job"("status");

-- AddForeignKey
ALTER TABLE "import_row_error" ADD CONSTRAINT "import_row_error_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "import_job"("id") ON DELETE CASCADE ON UPDATE CASCADE;
