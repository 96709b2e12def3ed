// placeholder until the GUI lands
