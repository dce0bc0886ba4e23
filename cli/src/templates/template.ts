/** What each category's template gives the scaffold: its files, and what its README says about them. */
export interface CategoryTemplate {
  /** Path in the plugin folder → content. */
  files: Record<string, string>;
  readme: {
    /** What the plugin does, in a paragraph. */
    summary: string;
    hooks: string[];
    endpoints: string[];
    settings: string[];
    /** How to make it real: what to replace, what to declare. */
    next: string;
  };
}
