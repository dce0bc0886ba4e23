/** An anchor that navigates inside the dashboard without a reload; modified clicks open a new tab as usual. */
import type * as React from "react";
import { navigate } from "@/lib/router";

export function Link({ href, onClick, ...props }: React.ComponentProps<"a"> & { href: string }) {
  return (
    <a
      href={href}
      onClick={(event) => {
        onClick?.(event);
        if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(href);
      }}
      {...props}
    />
  );
}
