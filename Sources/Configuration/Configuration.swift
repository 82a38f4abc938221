// Configuration module.
