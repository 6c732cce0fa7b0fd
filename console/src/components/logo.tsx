/** Switchboard's mark: two patch cords crossing between four jacks. Decorative beside the name. */
export function Logo() {
  return (
    <svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" class="logo-tile" />
      <path
        d="M9 10c8 0 6 12 14 12M9 22c8 0 6-12 14-12"
        fill="none"
        class="logo-cord"
        stroke-width="2.5"
        stroke-linecap="round"
      />
      <g class="logo-jack">
        <circle cx="8" cy="10" r="3" />
        <circle cx="8" cy="22" r="3" />
        <circle cx="24" cy="10" r="3" />
        <circle cx="24" cy="22" r="3" />
      </g>
    </svg>
  );
}
