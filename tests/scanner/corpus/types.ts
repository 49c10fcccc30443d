export abstract class Box<T extends { a: 1 }> extends Base<T> implements I<T> {
  private cb: (e: Event) => void = (e) => {};
  get<K extends keyof T>(k: K): T[K] { return this.x[k]; }
  @Input() set value(v: string) {}
}
const f = (a?: number): string | undefined => a!.toFixed() / 2;
type T = (a: number) => string;
