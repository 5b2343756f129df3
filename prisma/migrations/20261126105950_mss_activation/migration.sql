-- CreateTable
CREATE TABLE "mss_activation" (
    "id" UUID NOT NULL,
    "structure_id" UUID NOT NULL,
    "daughters" BOOLEAN NOT NULL DEFAULT false,
    "requested_by_id" UUID,
    "status" "BackgroundTaskStatus" NOT NULL DEFAULT 'PENDING',
    "created" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "failures" JSONB NOT NULL DEFAULT '[]',
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "mss_activation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "mss_activation_structure_id_requested_at_idx" ON "mss_activation"("structure_id", "requested_at");

-- CreateIndex
CREATE INDEX "mss_activation_status_idx" ON "mss_activation"("status");

-- AddForeignKey
ALTER TABLE "mss_activation" ADD CONSTRAINT "mss_activation_structure_id_fkey" FOREIGN KEY ("structure_id") REFERENCES "structure"("id") ON DELETE CASCADE ON UPDATE CASCADE;
