// The commune officer's screens (the commune's villages and teams; establishing, dissolving, merging teams).
export const screens = {};
