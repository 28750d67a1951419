"""What every audience's pages share (form fields for now); no audience imports another."""
