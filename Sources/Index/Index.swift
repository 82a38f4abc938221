// Index module.
