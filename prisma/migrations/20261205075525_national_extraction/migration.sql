-- CreateEnum
CREATE TYPE "NationalExtractionSource" AS ENUM ('DOWNLOAD', 'UPLOAD');

-- CreateTable
CREATE TABLE "national_extraction" (
    "id" UUID NOT NULL,
    "source" "NationalExtractionSource" NOT NULL,
    "file_name" VARCHAR(255),
    "status" "BackgroundTaskStatus" NOT NULL DEFAULT 'RUNNING',
    "extracted_at" TIMESTAMPTZ(3) NOT NULL,
    "lines" INTEGER NOT NULL DEFAULT 0,
    "kept" INTEGER NOT NULL DEFAULT 0,
    "malformed" INTEGER NOT NULL DEFAULT 0,
    "problems" JSONB NOT NULL DEFAULT '[]',
    "requested_by_id" UUID,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "national_extraction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "national_extraction_address" (
    "extraction_id" UUID NOT NULL,
    "address" VARCHAR(254) NOT NULL,
    "type" VARCHAR(10) NOT NULL,
    "identifier" VARCHAR(100),
    "name" VARCHAR(300),

    CONSTRAINT "national_extraction_address_pkey" PRIMARY KEY ("extraction_id","address")
);

-- CreateIndex
CREATE INDEX "national_extraction_status_extracted_at_idx" ON "national_extraction"("status", "extracted_at");

-- AddForeignKey
ALTER TABLE "national_extraction_address" ADD CONSTRAINT "national_extraction_address_extraction_id_fkey" FOREIGN KEY ("extraction_id") REFERENCES "national_extraction"("id") ON DELETE CASCADE ON UPDATE CASCADE;
