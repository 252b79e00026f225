import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import type { Market } from "./market";

/** The user's own dashboard preferences (apps/config PreferenceSerializer); PUT takes any subset. */

export type ThemeName = "light" | "dark";

export interface Preferences {
  watched_symbols: string[];
  default_market: Market;
  chart_interval: string;
  layout: Record<string, unknown>;
  theme: ThemeName;
  order_ticket_defaults: Record<string, unknown>;
  updated_at: string | null;
}

export type PreferenceChanges = Partial<Omit<Preferences, "updated_at">>;

export const PREFERENCES_KEY = ["preferences"] as const;

export function fetchPreferences(): Promise<Preferences> {
  return api.get<Preferences>("/api/preferences/");
}

export function savePreferences(changes: PreferenceChanges): Promise<Preferences> {
  return api.put<Preferences>("/api/preferences/", changes);
}

export function usePreferences(options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: PREFERENCES_KEY,
    queryFn: fetchPreferences,
    staleTime: 5 * 60_000,
    enabled: options.enabled ?? true,
  });
}

/**
 * Save some preferences. The cached copy changes at once (a star lights up when clicked) and goes
 * back if the server refuses; the server's answer then replaces it.
 */
export function useSavePreferences() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: savePreferences,
    onMutate: async (changes: PreferenceChanges) => {
      await queryClient.cancelQueries({ queryKey: PREFERENCES_KEY });
      const previous = queryClient.getQueryData<Preferences>(PREFERENCES_KEY);
      if (previous) queryClient.setQueryData<Preferences>(PREFERENCES_KEY, { ...previous, ...changes });
      return { previous };
    },
    onError: (_error, _changes, context) => {
      if (context?.previous) queryClient.setQueryData(PREFERENCES_KEY, context.previous);
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(PREFERENCES_KEY, saved);
    },
  });
}
