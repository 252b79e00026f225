"""Pure rules of alert delivery: channel config validation, who gets what, retry policy, signing, texts."""
