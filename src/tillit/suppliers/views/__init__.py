"""Views of the supplier and contract register, by topic: suppliers (list, add, page),
contracts (contract, processor agreement, data locations), evidence (sub-processors,
certificates, penetration tests) and the processing register."""
