"""What every audience's pages share (forms, roles, errors, filters…); no audience imports another."""
