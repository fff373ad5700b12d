# Tier-1 negative twins (sourced): hand-written broken files in e2e/negative/ that the
# real tool must reject. They prove each tier-1 check can fail; a check that never fails
# proves nothing. Reported as "PASS negative ..." when the tool rejects the file.
tier1_negative() { :; }
