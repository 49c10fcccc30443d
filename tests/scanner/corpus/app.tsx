const id = <T,>(x: T) => x;
export function App({ n }: { n: number }): JSX.Element {
  return <div onClick={(e: MouseEvent) => go(e)}>{n}</div>;
}
