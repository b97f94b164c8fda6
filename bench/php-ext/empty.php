<?php echo "ok"; // fixed per-request cost: an empty page
