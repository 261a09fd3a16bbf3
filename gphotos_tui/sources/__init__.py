"""Sources: each turns one kind of input (Takeout, Google APIs, folders) into catalog records."""
